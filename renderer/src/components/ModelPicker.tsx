import {useTranslation} from "react-i18next";
import type {ModelFile} from "../../../electron/contract";
import {fileDisplayName, modelDisplayName} from "../format/modelName";
import {localizeError} from "../i18n/localizeError";
import type {FitState} from "../store/downloadsSlice";
import {usePonder} from "../store/PonderStoreContext";
import {modelName} from "../store/modelFilesSelectors";

/** The option that opens the Models view instead of loading a model. */
const manageModels = "\u0000manage";

/**
 * "Model" in the chat header: which model answers, by name, chosen from the library and the
 * remote engines (with how each fits this machine once estimated); choosing one loads it, and the
 * load shows beside it.
 */
export function ModelPicker() {
    const {t} = useTranslation();
    const files = usePonder((state) => state.modelFiles);
    const engines = usePonder((state) => state.engines);
    const runtime = usePonder((state) => state.runtime);
    const pending = usePonder((state) => state.modelRequestPending);
    const fits = usePonder((state) => state.fits);
    const loadModel = usePonder((state) => state.loadModel);
    const estimateFit = usePonder((state) => state.estimateFit);
    const showView = usePonder((state) => state.showView);
    const usable = files.filter((file) => file.error == null);
    const current = runtime.modelId ?? "";
    const runsOn = runtime.status !== "ready" ? undefined
        : runtime.engine != null ? t("engines.runsOn", {engine: runtime.engine})
            : runtime.backend != null ? t("models.runsOn", {backend: t(`models.backend.${runtime.backend}`)}) : undefined;
    const currentListed = usable.some((file) => file.id === current) || (engines ?? []).some((engine) => engine.models.some((model) => model.id === current));

    // How each file fits is worth knowing before choosing; a local estimate reads only the file's header.
    function estimateUnknownFits() {
        for (const file of usable) {
            if (fits[file.id] == null)
                void estimateFit(file.id, {modelId: file.id});
        }
    }

    function choose(value: string) {
        if (value === manageModels)
            showView("models");
        else if (value !== "" && value !== current)
            void loadModel(value);
    }

    return (
        <div className="model-picker">
            <select
                className="model-picker__select"
                aria-label={t("models.heading")}
                title={runsOn}
                value={current}
                disabled={pending || runtime.status === "loading"}
                onFocus={estimateUnknownFits}
                onPointerDown={estimateUnknownFits}
                onChange={(event) => choose(event.target.value)}
            >
                {(current === "" || !currentListed) && <option value={current}>{current === "" ? t("models.choose") : modelDisplayName(current, files, engines)}</option>}
                {usable.length > 0 && (
                    <optgroup label={t("models.onThisComputer")}>
                        {usable.map((file) => <option key={file.id} value={file.id}>{optionLabel(file, fits[file.id], t)}</option>)}
                    </optgroup>
                )}
                {(engines ?? []).filter((engine) => engine.models.length > 0).map((engine) => (
                    <optgroup key={engine.id} label={engine.name}>
                        {engine.models.map((model) => <option key={model.id} value={model.id}>{model.name}</option>)}
                    </optgroup>
                ))}
                <option value={manageModels}>{t("models.manage")}</option>
            </select>
            <RuntimeNote />
        </div>
    );
}

function optionLabel(file: ModelFile, fit: FitState | undefined, t: ReturnType<typeof useTranslation>["t"]): string {
    const name = fileDisplayName(file);
    return fit?.status === "done" ? t("models.withFit", {name, fit: t(`library.fit.${fit.fit.verdict}`)}) : name;
}

/** While a model loads, and why it failed. */
function RuntimeNote() {
    const {t} = useTranslation();
    const runtime = usePonder((state) => state.runtime);
    const name = usePonder(modelName(runtime.modelId ?? ""));
    switch (runtime.status) {
        case "loading":
            return (
                <span className="model-picker__note" role="status">
                    <span className="spinner" aria-hidden="true" />
                    {t("models.status.loading", {name})}
                </span>
            );
        case "error":
            return (
                <span className="model-picker__note model-picker__note--error" role="alert">
                    {t("models.status.error", {name, error: runtime.error == null ? t("errors.unknown") : localizeError(runtime.error)})}
                </span>
            );
        default:
            return null;
    }
}
