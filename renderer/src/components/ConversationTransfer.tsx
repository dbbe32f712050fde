import {useEffect, useId, useRef, useState} from "react";
import {useTranslation} from "react-i18next";
import type {ChatImportResult} from "../../../electron/contract";
import {usePonder} from "../store/PonderStoreContext";
import type {ImportDuplicates} from "../store/chatTransferSlice";
import {saveFile} from "../format/saveFile";

/** An archive whose chats are partly here already, waiting for the user to say what to do with them. */
interface PendingImport {
    file: File;
    duplicates: ChatImportResult["duplicates"];
}

/**
 * Export every conversation as JSON, and import such a file back. A file holding chats that are
 * here already asks first: skip them, import them as copies, or replace the ones here.
 */
export function ConversationTransfer() {
    const {t} = useTranslation();
    const inputId = useId();
    const exportChats = usePonder((state) => state.exportChats);
    const importChats = usePonder((state) => state.importChats);
    const [outcome, setOutcome] = useState<{imported: number; skipped: number} | null>(null);
    const [pending, setPending] = useState<PendingImport | null>(null);

    async function importFile(file: File, duplicates: ImportDuplicates) {
        const imported = await importChats(file, duplicates);
        if (!imported.ok)
            return;
        const result = imported.value;
        if (duplicates === "ask" && result.duplicates.length > 0)
            setPending({file, duplicates: result.duplicates});
        else
            setOutcome({imported: result.imported.length, skipped: result.duplicates.length});
    }

    return (
        <div className="conversations__transfer">
            <button type="button" className="button" onClick={async () => {
                const file = await exportChats("json");
                if (file.ok)
                    saveFile(file.value);
            }}>{t("conversations.exportAll")}</button>
            <label className="button" htmlFor={inputId}>{t("conversations.import")}</label>
            <input
                id={inputId}
                type="file"
                accept="application/json,.json"
                className="visually-hidden"
                onChange={(event) => {
                    const file = event.target.files?.[0];
                    event.target.value = "";
                    setOutcome(null);
                    if (file != null)
                        void importFile(file, "ask");
                }}
            />
            <p className="conversations__imported" role="status">
                {outcome != null && (outcome.skipped === 0
                    ? t("conversations.imported", {count: outcome.imported})
                    : t("conversations.importedSkipped", {count: outcome.imported, skipped: outcome.skipped}))}
            </p>
            {pending != null && (
                <DuplicatesDialog
                    duplicates={pending.duplicates}
                    onChoice={(choice) => {
                        setPending(null);
                        if (choice != null)
                            void importFile(pending.file, choice);
                    }}
                />
            )}
        </div>
    );
}

/** Asks what to do with the archive's chats that are here already; null: import nothing. */
function DuplicatesDialog({duplicates, onChoice}: {duplicates: ChatImportResult["duplicates"]; onChoice(choice: Exclude<ImportDuplicates, "ask"> | null): void}) {
    const {t} = useTranslation();
    const dialogRef = useRef<HTMLDialogElement>(null);
    const skipRef = useRef<HTMLButtonElement>(null);
    const titleId = useId();
    useEffect(() => {
        dialogRef.current?.showModal();
        // Skipping changes nothing here, so it is the default; showModal alone focuses the first button.
        skipRef.current?.focus();
    }, []);
    const shown = duplicates.slice(0, 5);
    return (
        <dialog ref={dialogRef} className="about" aria-labelledby={titleId} onCancel={(event) => {
            event.preventDefault();
            onChoice(null);
        }}>
            <h2 id={titleId} className="about__title">{t("conversations.duplicates.title", {count: duplicates.length})}</h2>
            <p>{t("conversations.duplicates.body", {count: duplicates.length})}</p>
            <ul className="import-duplicates__list">
                {shown.map(({id, title}) => <li key={id}>{title === "" ? t("chats.untitled") : title}</li>)}
                {duplicates.length > shown.length && <li>{t("conversations.duplicates.more", {count: duplicates.length - shown.length})}</li>}
            </ul>
            <div className="about__actions import-duplicates__actions">
                <button type="button" className="button" onClick={() => onChoice(null)}>{t("conversations.duplicates.cancel")}</button>
                <button type="button" className="button" onClick={() => onChoice("replace")}>{t("conversations.duplicates.replace")}</button>
                <button type="button" className="button" onClick={() => onChoice("copy")}>{t("conversations.duplicates.copy")}</button>
                <button ref={skipRef} type="button" className="button button--primary" onClick={() => onChoice("skip")}>{t("conversations.duplicates.skip")}</button>
            </div>
        </dialog>
    );
}
