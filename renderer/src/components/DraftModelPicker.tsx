import {useId} from "react";
import {useTranslation} from "react-i18next";
import type {GenerationSettings} from "../../../electron/contract";
import {formatBytes} from "../../../electron/contract/errors";
import {catalogDraftOfModel, isDownloading, modelOfCatalogEntry} from "../store/downloadsSelectors";
import {usePonder} from "../store/PonderStoreContext";

interface DraftModelPickerProps {
    id: string;
    /** The model the draft drafts for: it isn't offered as its own draft. */
    modelId: string;
    value: DraftChoice;
    onChange(choice: DraftChoice): void;
}

/** What drafts for the model: a library model, the conversation itself (prompt lookup), or nothing. */
export type DraftChoice = Pick<GenerationSettings, "draftModelId" | "promptLookup">;

/** The option that stands for prompt lookup; no library id (a .gguf file's) can be it. */
const promptLookupOption = ":promptLookup";

/**
 * The "Draft model" load option: any chat model of the library, prompt lookup (drafting from the
 * conversation, no second model), or none. When the model came from
 * the catalog and the catalog pairs it with a draft, that one is offered: to choose once it is in
 * the library, else to download. A recurrent or hybrid model can't draft (`model.draftOnRecurrent`):
 * only None is offered, and a note says why.
 */
export function DraftModelPicker({id, modelId, value, onChange}: DraftModelPickerProps) {
    const {t, i18n} = useTranslation();
    const files = usePonder((state) => state.modelFiles);
    const paired = usePonder(catalogDraftOfModel(modelId));
    const pairedModelId = usePonder(paired == null ? () => undefined : modelOfCatalogEntry(paired.id));
    const pairedDownloading = usePonder(isDownloading(paired?.id));
    const addDownload = usePonder((state) => state.addDownload);
    const reportError = usePonder((state) => state.reportError);
    const recurrent = files.some((file) => file.id === modelId && file.metadata?.recurrent === true);
    const reasonId = useId();
    const candidates = files.filter((file) => file.id !== modelId && file.error == null && file.metadata?.embedding !== true);
    // A chosen draft whose file is gone stays visible, so the choice can be seen and undone.
    const {draftModelId} = value;
    const missing = draftModelId != null && !candidates.some((file) => file.id === draftModelId);
    const choose = (option: string) => onChange(option === promptLookupOption ? {draftModelId: null, promptLookup: true}
        : {draftModelId: option === "" ? null : option, promptLookup: false});

    async function download(entryId: string) {
        const result = await addDownload(entryId);
        if (!result.ok)
            reportError(typeof result.failure === "string" ? new Error(result.failure) : result.failure);
    }

    return (
        <span className="settings__draft">
            <select id={id} value={draftModelId ?? (value.promptLookup ? promptLookupOption : "")} aria-describedby={recurrent ? reasonId : undefined} onChange={(event) => choose(event.target.value)}>
                <option value="">{t("settings.draft.none")}</option>
                <option value={promptLookupOption} disabled={recurrent}>{t("settings.draft.promptLookup")}</option>
                {candidates.map((file) => (
                    <option key={file.id} value={file.id} disabled={recurrent}>
                        {file.id === pairedModelId ? t("settings.draft.suggestedOption", {name: file.metadata?.name || file.fileName}) : file.metadata?.name || file.fileName}
                    </option>
                ))}
                {missing && <option value={draftModelId}>{t("settings.draft.missing", {name: draftModelId})}</option>}
            </select>
            {recurrent && <span id={reasonId} className="settings__refused">{t("settings.draft.recurrent")}</span>}
            {!recurrent && paired != null && pairedModelId == null && (
                <button type="button" className="button button--small" disabled={pairedDownloading} onClick={() => void download(paired.id)}>
                    {t("settings.draft.download", {name: paired.name, size: formatBytes(paired.approxSizeBytes, i18n.language)})}
                </button>
            )}
            {!recurrent && paired != null && pairedModelId != null && draftModelId !== pairedModelId && (
                <button type="button" className="button button--small" onClick={() => choose(pairedModelId)}>
                    {t("settings.draft.use", {name: paired.name})}
                </button>
            )}
        </span>
    );
}
