import {useTranslation} from "react-i18next";
import type {Attachment} from "../../../electron/contract";
import {formatBytes} from "../../../electron/contract/errors";
import {localizeError} from "../i18n/localizeError";
import type {PendingAttachment} from "../store/composerSlice";

/** "report.pdf · 12 pages · ~3,400 tokens": a document as a message and the composer show it. */
export function AttachmentChip({attachment}: {attachment: Attachment}) {
    return (
        <li className="attachment" aria-label={attachment.name}>
            <span className="attachment__name">{attachment.name}</span>
            <AttachmentFacts attachment={attachment} />
        </li>
    );
}

function AttachmentFacts({attachment}: {attachment: Attachment}) {
    const {t, i18n} = useTranslation();
    const number = new Intl.NumberFormat(i18n.language);
    return (
        <span className="attachment__facts">
            {[
                attachment.pages == null ? null : t("attachments.pages", {count: attachment.pages, formatted: number.format(attachment.pages)}),
                t("attachments.tokens", {count: attachment.tokens, formatted: number.format(attachment.tokens)})
            ].filter((fact) => fact != null).join(" · ")}
        </span>
    );
}

/** A composer's attachment: its upload's progress, what it is once read, or why it was refused; with Remove. */
export function PendingAttachmentChip({pending, onRemove}: {pending: PendingAttachment; onRemove(): void}) {
    const {t, i18n} = useTranslation();
    return (
        <li className={pending.status === "error" ? "attachment attachment--error" : "attachment"} aria-label={pending.name}>
            <span className="attachment__name">{pending.name}</span>
            {pending.status === "uploading" && (
                <span className="attachment__facts" role="status">
                    {pending.sizeBytes == null
                        ? t("attachments.readingFromDisk")
                        : t("attachments.reading", {sent: formatBytes(pending.sentBytes, i18n.language), size: formatBytes(pending.sizeBytes, i18n.language)})}
                </span>
            )}
            {pending.status === "ready" && <AttachmentFacts attachment={pending.attachment} />}
            {pending.status === "error" && <span className="attachment__error" role="alert">{localizeError(pending.error)}</span>}
            <button type="button" className="attachment__remove" aria-label={t("attachments.remove", {name: pending.name})} onClick={onRemove}>×</button>
        </li>
    );
}
