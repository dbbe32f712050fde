import {useTranslation} from "react-i18next";
import type {MessageToolCall} from "../../../electron/contract";
import {formatDuration} from "../format/formatDuration";
import {localizeError} from "../i18n/localizeError";
import {usePonder} from "../store/PonderStoreContext";

/**
 * Tool calls made at one point of a reply, in order, each collapsible with its arguments and
 * result; a call that waits for consent is open, with "Allow once", "Always allow" and "Deny".
 */
export function ToolCallList({chatId, calls}: {chatId: string; calls: readonly MessageToolCall[]}) {
    const {t} = useTranslation();
    if (calls.length === 0)
        return null;
    return (
        <ol className="tool-calls" aria-label={t("toolCall.list")}>
            {calls.map((call) => <ToolCallItem key={call.id} chatId={chatId} call={call} />)}
        </ol>
    );
}

function ToolCallItem({chatId, call}: {chatId: string; call: MessageToolCall}) {
    const {t, i18n} = useTranslation();
    const answer = usePonder((state) => state.answerToolCall);
    const asking = call.status === "awaitingConsent";
    const title = call.serverName == null ? t("toolCall.title", {name: call.name}) : t("toolCall.titleOnServer", {name: call.name, server: call.serverName});
    return (
        <li className={`tool-call tool-call--${call.status}`} aria-label={title}>
            <details open={asking}>
                <summary>
                    <span className="tool-call__title">{title}</span>
                    {" · "}
                    <span role="status">{t(`toolCall.status.${call.status}`)}</span>
                    {call.durationMs != null && call.status === "done" && ` · ${formatDuration(call.durationMs / 1000, i18n.language)}`}
                </summary>
                <p className="tool-call__label">{t("toolCall.arguments")}</p>
                <pre className="tool-call__text">{call.arguments}</pre>
                {call.result != null && (
                    <>
                        <p className="tool-call__label">{call.isError ? t("toolCall.errorResult") : t("toolCall.result")}</p>
                        <pre className="tool-call__text">{call.result}</pre>
                        {call.truncatedFromChars != null && <p className="tool-call__note">{t("toolCall.truncated", {shown: call.result.length, total: call.truncatedFromChars})}</p>}
                    </>
                )}
                {call.error != null && <p className="model__error">{localizeError(call.error)}</p>}
            </details>
            {asking && (
                <div className="tool-call__consent" role="group" aria-label={t("toolCall.consent", {name: call.name})}>
                    <button type="button" className="button button--small button--primary" onClick={() => void answer(chatId, call.id, "allowOnce")}>{t("toolCall.allowOnce")}</button>
                    <button type="button" className="button button--small" onClick={() => void answer(chatId, call.id, "alwaysAllow")}>{t("toolCall.alwaysAllow")}</button>
                    <button type="button" className="button button--small" onClick={() => void answer(chatId, call.id, "deny")}>{t("toolCall.deny")}</button>
                </div>
            )}
        </li>
    );
}
