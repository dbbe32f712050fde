import {useId, useState} from "react";
import {useTranslation} from "react-i18next";
import {usePonder} from "../store/PonderStoreContext";
import {saveFile} from "../format/saveFile";

/** Export every conversation as JSON, and import such a file back. */
export function ConversationTransfer() {
    const {t} = useTranslation();
    const inputId = useId();
    const exportChats = usePonder((state) => state.exportChats);
    const importChats = usePonder((state) => state.importChats);
    const [imported, setImported] = useState<number | null>(null);

    async function onFile(file: File | undefined) {
        if (file == null)
            return;
        setImported(await importChats(await file.text()));
    }

    return (
        <div className="conversations__transfer">
            <button type="button" className="button" onClick={async () => saveFile(await exportChats("json"))}>{t("conversations.exportAll")}</button>
            <label className="button" htmlFor={inputId}>{t("conversations.import")}</label>
            <input
                id={inputId}
                type="file"
                accept="application/json,.json"
                className="visually-hidden"
                onChange={(event) => {
                    void onFile(event.target.files?.[0]);
                    event.target.value = "";
                }}
            />
            <p className="conversations__imported" role="status">
                {imported != null && t("conversations.imported", {count: imported})}
            </p>
        </div>
    );
}
