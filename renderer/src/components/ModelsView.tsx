import {useEffect, useId, useState, type DragEvent} from "react";
import {useTranslation} from "react-i18next";
import type {CatalogEntry, ModelFile} from "../../../electron/contract";
import {catalogParameters, catalogText} from "../format/catalogText";
import {formatBytes} from "../../../electron/contract/errors";
import {usePonder} from "../store/PonderStoreContext";
import {catalogEntryById} from "../store/downloadsSelectors";
import {askedForRecommendation, hubUnreachable, isRecommended} from "../store/firstRunSelectors";
import {DownloadList} from "./DownloadList";
import {FitLabel} from "./FitLabel";
import {HubSearch} from "./HubSearch";
import {localizeError} from "../i18n/localizeError";
import {AddModelFiles, ModelsFolder, SubmitForm} from "./ModelSources";
import {ShowSidebarButton} from "./Sidebar";

/** Where models are found, downloaded, checked for fit, imported and deleted. */
export function ModelsView() {
    const {t} = useTranslation();
    const downloadsId = useId();
    const catalogId = useId();
    const installedId = useId();
    const hubReasonId = useId();
    const connection = usePonder((state) => state.connection);
    const loadCatalog = usePonder((state) => state.loadCatalog);
    const showView = usePonder((state) => state.showView);
    const loadHubSettings = usePonder((state) => state.loadHubSettings);
    const catalog = usePonder((state) => state.catalog);
    const addDownload = usePonder((state) => state.addDownload);
    const shell = usePonder((state) => state.shell);
    const [dropped, setDropped] = useState(false);

    // The Recommended badge is this machine's pick, and an unreachable hub disables downloads: both need the recommendation.
    const recommendModel = usePonder((state) => state.recommendModel);
    const recommendationAsked = usePonder(askedForRecommendation);
    useEffect(() => {
        if (!recommendationAsked)
            void recommendModel();
    }, [recommendationAsked, recommendModel]);

    // Listed afresh on every (re)connect: downloads went on while the page was away.
    useEffect(() => {
        if (connection === "connected") {
            void loadCatalog();
            void loadHubSettings();
        }
    }, [connection, loadCatalog, loadHubSettings]);

    // A dropped file has no path a browser (or our sandboxed window) may tell: say so rather than let Chromium open the file.
    function acceptFiles(event: DragEvent) {
        if (event.dataTransfer.types.includes("Files"))
            event.preventDefault();
    }

    return (
        <main className="library" onDragOver={acceptFiles} onDrop={(event) => {
            acceptFiles(event);
            setDropped(event.dataTransfer.types.includes("Files"));
        }}>
            <header className="chat__header library__header">
                <ShowSidebarButton />
                <h1 className="chat__title">{t("library.title")}</h1>
                <button type="button" className="button button--small" onClick={() => showView("chat")}>{t("library.close")}</button>
            </header>
            <div className="library__body">
                {/* First: the models here, and adding one from disk, which works offline (the catalog below can be long). */}
                <section aria-labelledby={installedId}>
                    <h2 className="library__heading" id={installedId}>{t("library.installed")}</h2>
                    <ModelsFolder />
                    <AddModelFiles />
                    {dropped && <p className="library__error" role="alert">{t(shell === "desktop" ? "library.dropInDesktop" : "library.dropInBrowser")}</p>}
                    <InstalledList labelledBy={installedId} />
                </section>
                <SubmitForm label={t("library.address")} placeholder={t("library.addressPlaceholder")} submitLabel={t("library.add")} pendingLabel={t("library.adding")} action={addDownload} />
                <HubSearch />
                <section aria-labelledby={downloadsId}>
                    <h2 className="library__heading" id={downloadsId}>{t("library.downloads")}</h2>
                    <DownloadList labelledBy={downloadsId} />
                </section>
                <section aria-labelledby={catalogId}>
                    <h2 className="library__heading" id={catalogId}>{t("library.catalog")}</h2>
                    <HubUnreachable reasonId={hubReasonId} />
                    <ul className="library__list" aria-labelledby={catalogId}>
                        {catalog?.map((entry) => <CatalogItem key={entry.id} entry={entry} hubReasonId={hubReasonId} />)}
                    </ul>
                </section>
            </div>
        </main>
    );
}

/** Said once above the catalog, and named by each Download button it disables. */
function HubUnreachable({reasonId}: {reasonId: string}) {
    const {t} = useTranslation();
    const unreachable = usePonder(hubUnreachable);
    const recommendModel = usePonder((state) => state.recommendModel);
    if (!unreachable)
        return null;
    return (
        <div className="library__offline">
            <p id={reasonId} role="status">{t("library.hubUnreachable")}</p>
            <button type="button" className="button button--small" onClick={() => void recommendModel()}>{t("library.retryHub")}</button>
        </div>
    );
}

function CatalogItem({entry, hubReasonId}: {entry: CatalogEntry; hubReasonId: string}) {
    const {t, i18n} = useTranslation();
    const fit = usePonder((state) => state.fits[entry.id]);
    const estimateFit = usePonder((state) => state.estimateFit);
    const addDownload = usePonder((state) => state.addDownload);
    const reportError = usePonder((state) => state.reportError);
    const recommended = usePonder(isRecommended(entry.id));
    const unreachable = usePonder(hubUnreachable);
    const number = new Intl.NumberFormat(i18n.language);
    const {description, note} = catalogText(entry, i18n.language);
    const draft = usePonder(catalogEntryById(entry.draft));

    async function download() {
        const result = await addDownload(entry.id);
        if (!result.ok)
            reportError(typeof result.failure === "string" ? new Error(result.failure) : result.failure);
    }

    return (
        <li className="catalog-entry" aria-label={t("library.catalogEntry", {name: entry.name, quantization: entry.quantization})}>
            <div className="catalog-entry__text">
                <span className="model__name">
                    {t("library.catalogEntry", {name: entry.name, quantization: entry.quantization})}
                    {recommended && <span className="model__badge">{t("library.default")}</span>}
                </span>
                <span className="model__details">
                    {t("library.catalogDetails", {
                        parameters: catalogParameters(entry.parameters, t),
                        size: formatBytes(entry.approxSizeBytes, i18n.language),
                        tokens: number.format(entry.contextLength),
                        licence: entry.licence
                    })}
                </span>
                <span className="catalog-entry__description">{description}</span>
                <span className="model__details">
                    {t("library.recommended", {temperature: entry.recommended.temperature, topP: entry.recommended.topP})}
                    {note != null && ` — ${note}`}
                </span>
                {draft != null && <span className="model__details">{t("library.pairedDraft", {name: draft.name, size: formatBytes(draft.approxSizeBytes, i18n.language)})}</span>}
                <FitLabel state={fit} />
            </div>
            <div className="download__actions">
                <button
                    type="button"
                    className="button button--small"
                    // One of many on the page: its name says which model (the visible text leads it, for voice control).
                    aria-label={t("library.checkFitOf", {name: t("library.catalogEntry", {name: entry.name, quantization: entry.quantization})})}
                    disabled={fit?.status === "pending"}
                    onClick={() => void estimateFit(entry.id, {address: entry.id})}
                >
                    {t("library.checkFit")}
                </button>
                <button
                    type="button"
                    className="button button--small button--primary"
                    aria-label={t("library.downloadOf", {name: t("library.catalogEntry", {name: entry.name, quantization: entry.quantization})})}
                    disabled={unreachable}
                    aria-describedby={unreachable ? hubReasonId : undefined}
                    onClick={() => void download()}
                >
                    {t("library.download")}
                </button>
            </div>
        </li>
    );
}

function InstalledList({labelledBy}: {labelledBy: string}) {
    const {t} = useTranslation();
    const files = usePonder((state) => state.modelFiles);
    if (files.length === 0)
        return <p className="library__none">{t("library.noModels")}</p>;
    return (
        <ul className="library__list" aria-labelledby={labelledBy}>
            {files.map((file) => <InstalledItem key={file.id} file={file} />)}
        </ul>
    );
}

function InstalledItem({file}: {file: ModelFile}) {
    const {t, i18n} = useTranslation();
    const fit = usePonder((state) => state.fits[file.id]);
    const estimateFit = usePonder((state) => state.estimateFit);
    const deleteModel = usePonder((state) => state.deleteModel);
    const loadModel = usePonder((state) => state.loadModel);
    const unloadModel = usePonder((state) => state.unloadModel);
    const revealModel = usePonder((state) => state.revealModel);
    const shell = usePonder((state) => state.shell);
    const runtime = usePonder((state) => state.runtime);
    const [confirming, setConfirming] = useState(false);
    const number = new Intl.NumberFormat(i18n.language);
    const name = file.metadata?.name || file.fileName;
    const metadata = file.metadata;
    const details = [
        t("library.modelDetails", {size: formatBytes(file.sizeBytes, i18n.language), architecture: metadata?.architecture ?? "?", quantization: metadata?.quantization ?? "?"}),
        metadata?.parameterCount != null ? t("library.parameters", {count: number.format(metadata.parameterCount)}) : null,
        metadata?.contextLength != null ? t("library.context", {count: number.format(metadata.contextLength)}) : null,
        metadata?.thinks === true ? t("library.thinks") : null
    ].filter((detail) => detail != null);

    return (
        <li className={file.error == null ? "catalog-entry" : "catalog-entry model--invalid"} aria-label={name}>
            <div className="catalog-entry__text">
                <span className="model__name" title={file.id}>{name}</span>
                <span className="model__details">{file.error == null ? details.join(" · ") : file.fileName}</span>
                {file.error != null && <span className="model__error">{t("models.invalid", {error: localizeError(file.error)})}</span>}
                <FitLabel state={fit} />
                {confirming && (
                    <p className="library__confirm" role="alert">
                        {t(file.imported === true ? "library.confirmRemoveImport" : "library.confirmDelete", {name: file.fileName})}
                        <button type="button" className="button button--small button--danger" onClick={() => void deleteModel(file.id)}>{t("library.confirm")}</button>
                        <button type="button" className="button button--small" onClick={() => setConfirming(false)}>{t("library.keep")}</button>
                    </p>
                )}
            </div>
            <div className="download__actions">
                {file.error == null && (
                    <button
                        type="button"
                        className="button button--small"
                        aria-label={t("library.checkFitOf", {name})}
                        disabled={fit?.status === "pending"}
                        onClick={() => void estimateFit(file.id, {modelId: file.id})}
                    >
                        {t("library.checkFit")}
                    </button>
                )}
                {file.error == null && (runtime.modelId === file.id && runtime.status === "ready"
                    ? (
                        <>
                            <span className="model__badge">{t("models.loaded")}</span>
                            <button type="button" className="button button--small" aria-label={t("models.unloadOf", {name})} onClick={() => void unloadModel()}>{t("models.unload")}</button>
                        </>
                    )
                    : (
                        <button type="button" className="button button--small" aria-label={t("models.loadOf", {name})} disabled={runtime.status === "loading"} onClick={() => void loadModel(file.id)}>
                            {t("models.load")}
                        </button>
                    ))}
                {shell === "desktop" && <button type="button" className="button button--small" aria-label={t("library.revealOf", {name})} onClick={() => void revealModel(file.id)}>{t("library.reveal")}</button>}
                {!confirming && <button type="button" className="button button--small" aria-label={t("library.deleteOf", {name})} onClick={() => setConfirming(true)}>{t("library.delete")}</button>}
            </div>
        </li>
    );
}
