import {useTranslation} from "react-i18next";
import {formatBytes} from "../../../electron/contract/errors";
import {catalogDraftOfModel, isDownloading, modelOfCatalogEntry} from "../store/downloadsSelectors";
import {usePonder} from "../store/PonderStoreContext";

interface DraftModelPickerProps {
    id: string;
    /** The model the draft drafts for: it isn't offered as its own draft. */
    modelId: string;
    value: string | null;
    onChange(draftModelId: string | null): void;
}

/**
 * The "Draft model" load option: any chat model of the library, or none. When the model came from
 * the catalog and the catalog pairs it with a draft, that one is offered: to choose once it is in
 * the library, else to download.
 */
export function DraftModelPicker({id, modelId, value, onChange}: DraftModelPickerProps) {
    const {t, i18n} = useTranslation();
    const files = usePonder((state) => state.modelFiles);
    const paired = usePonder(catalogDraftOfModel(modelId));
    const pairedModelId = usePonder(paired == null ? () => undefined : modelOfCatalogEntry(paired.id));
    const pairedDownloading = usePonder(isDownloading(paired?.id));
    const addDownload = usePonder((state) => state.addDownload);
    const reportError = usePonder((state) => state.reportError);
    const candidates = files.filter((file) => file.id !== modelId && file.error == null && file.metadata?.embedding !== true);
    // A chosen draft whose file is gone stays visible, so the choice can be seen and undone.
    const missing = value != null && !candidates.some((file) => file.id === value);

    async function download(entryId: string) {
        const result = await addDownload(entryId);
        if (!result.ok)
            reportError(typeof result.failure === "string" ? new Error(result.failure) : result.failure);
    }

    return (
        <span className="settings__draft">
            <select id={id} value={value ?? ""} onChange={(event) => onChange(event.target.value === "" ? null : event.target.value)}>
                <option value="">{t("settings.draft.none")}</option>
                {candidates.map((file) => (
                    <option key={file.id} value={file.id}>
                        {file.id === pairedModelId ? t("settings.draft.suggestedOption", {name: file.metadata?.name || file.fileName}) : file.metadata?.name || file.fileName}
                    </option>
                ))}
                {missing && <option value={value}>{t("settings.draft.missing", {name: value})}</option>}
            </select>
            {paired != null && pairedModelId == null && (
                <button type="button" className="button button--small" disabled={pairedDownloading} onClick={() => void download(paired.id)}>
                    {t("settings.draft.download", {name: paired.name, size: formatBytes(paired.approxSizeBytes, i18n.language)})}
                </button>
            )}
            {paired != null && pairedModelId != null && value !== pairedModelId && (
                <button type="button" className="button button--small" onClick={() => onChange(pairedModelId)}>
                    {t("settings.draft.use", {name: paired.name})}
                </button>
            )}
        </span>
    );
}
