import {useId} from "react";
import {useTranslation} from "react-i18next";
import type {ModelFile, RuntimeState} from "../../../electron/contract";
import {formatBytes} from "../../../electron/contract/errors";
import {remoteModelName} from "../store/enginesSlice";
import {usePonder} from "../store/PonderStoreContext";
import {localizeError} from "../i18n/localizeError";

function displayName(file: ModelFile): string {
    return file.metadata?.name || file.fileName;
}

/** The models folder's files, with Load / Unload, and what is loaded on which backend. */
export function ModelPanel() {
    const {t} = useTranslation();
    const headingId = useId();
    const files = usePonder((state) => state.modelFiles);
    const runtime = usePonder((state) => state.runtime);
    const modelsViewOpen = usePonder((state) => state.modelsViewOpen);
    const openModelsView = usePonder((state) => state.openModelsView);

    return (
        <section className="models" aria-labelledby={headingId}>
            <div className="models__header">
                <h2 className="sidebar__heading" id={headingId}>{t("models.heading")}</h2>
                <button type="button" className="button button--small" aria-pressed={modelsViewOpen} onClick={() => openModelsView(!modelsViewOpen)}>
                    {t("library.open")}
                </button>
            </div>
            <RuntimeStatus runtime={runtime} files={files} />
            {files.length === 0
                ? <p className="models__none">{t("models.none")}</p>
                : (
                    <ul className="models__list" aria-label={t("models.files")}>
                        {files.map((file) => <ModelRow key={file.id} file={file} runtime={runtime} />)}
                    </ul>
                )}
        </section>
    );
}

function RuntimeStatus({runtime, files}: {runtime: RuntimeState; files: readonly ModelFile[]}) {
    const {t} = useTranslation();
    const pending = usePonder((state) => state.modelRequestPending);
    const unloadModel = usePonder((state) => state.unloadModel);
    const file = files.find((candidate) => candidate.id === runtime.modelId);
    const remoteName = usePonder((state) => remoteModelName(state.engines, runtime.modelId));
    const name = file == null ? remoteName ?? runtime.modelId ?? "" : displayName(file);

    switch (runtime.status) {
        case "empty":
            return <p className="runtime runtime--empty" role="status">{t("models.status.empty")}</p>;
        case "loading":
            return (
                <p className="runtime runtime--loading" role="status">
                    <span className="spinner" aria-hidden="true" />
                    {t("models.status.loading", {name})}
                </p>
            );
        case "error":
            return (
                <p className="runtime runtime--error" role="alert">
                    {t("models.status.error", {name, error: runtime.error == null ? t("errors.unknown") : localizeError(runtime.error)})}
                </p>
            );
        case "ready":
            return (
                <div className="runtime runtime--ready" role="status">
                    <div className="runtime__text">
                        <span className="runtime__name">{t("models.status.ready", {name})}</span>
                        {runtime.engine != null && <span className="runtime__backend">{t("engines.runsOn", {engine: runtime.engine})}</span>}
                        {runtime.engine == null && runtime.backend != null && (
                            <span className="runtime__backend">
                                {t("models.runsOn", {backend: t(`models.backend.${runtime.backend}`)})}
                            </span>
                        )}
                    </div>
                    <button type="button" className="button button--small" disabled={pending} onClick={() => void unloadModel()}>
                        {t("models.unload")}
                    </button>
                </div>
            );
    }
}

function ModelRow({file, runtime}: {file: ModelFile; runtime: RuntimeState}) {
    const {t, i18n} = useTranslation();
    const pending = usePonder((state) => state.modelRequestPending);
    const loadModel = usePonder((state) => state.loadModel);
    const isCurrent = runtime.modelId === file.id && runtime.status === "ready";
    const details = [
        formatBytes(file.sizeBytes, i18n.language),
        file.metadata?.quantization,
        file.metadata?.architecture
    ].filter((detail) => detail != null && detail !== "");

    return (
        <li className={file.error == null ? "model" : "model model--invalid"}>
            <div className="model__text">
                <span className="model__name" title={file.fileName}>{displayName(file)}</span>
                <span className="model__details">{details.join(" · ")}</span>
                {file.error != null && <span className="model__error">{t("models.invalid", {error: localizeError(file.error)})}</span>}
            </div>
            {file.error == null && (isCurrent
                ? <span className="model__badge">{t("models.loaded")}</span>
                : (
                    <button
                        type="button"
                        className="button button--small"
                        disabled={pending || runtime.status === "loading"}
                        onClick={() => void loadModel(file.id)}
                    >
                        {t("models.load")}
                    </button>
                ))}
        </li>
    );
}
