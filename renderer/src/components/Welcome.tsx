import {useEffect, useState} from "react";
import {useTranslation} from "react-i18next";
import type {SystemInfo} from "../../../electron/contract";
import {catalogParameters, catalogText} from "../format/catalogText";
import {formatBytes} from "../../../electron/contract/errors";
import {usePonder} from "../store/PonderStoreContext";
import {failureIn} from "../store/requestAction";
import {askedForRecommendation, firstRunDownload} from "../store/firstRunSelectors";
import {DownloadItem} from "./DownloadList";
import {FitLabel} from "./FitLabel";
import {localizeError, type Failure} from "../i18n/localizeError";
import {AddModelFiles, ModelsFolder} from "./ModelSources";

/**
 * First run, with no model yet: what this computer has, the best reasoning model of the catalog
 * for it (QwQ-32B where it fits, a distill where it doesn't), and one click to download and start;
 * offline, a way to add the GGUF files the user has and where the models folder is.
 */
export function Welcome() {
    const {t} = useTranslation();
    const loadSystem = usePonder((state) => state.loadSystem);
    const loadCatalog = usePonder((state) => state.loadCatalog);
    const recommendModel = usePonder((state) => state.recommendModel);
    const system = usePonder((state) => state.system);
    const systemError = usePonder((state) => state.systemError);

    // Once per session: the hardware doesn't change, and a recommendation reads several GGUF headers from the hub (Retry asks again).
    const asked = usePonder(askedForRecommendation);
    const described = system != null || systemError != null;
    useEffect(() => {
        if (!described)
            void loadSystem();
    }, [described, loadSystem]);
    useEffect(() => {
        void loadCatalog();
    }, [loadCatalog]);
    useEffect(() => {
        if (!asked)
            void recommendModel();
    }, [asked, recommendModel]);

    return (
        <section className="welcome" aria-labelledby="welcome-title">
            <h2 id="welcome-title" className="welcome__title">{t("firstRun.title")}</h2>
            <p className="welcome__intro">{t("firstRun.intro")}</p>
            {systemError == null
                ? <MachineSummary system={system} />
                : <p className="welcome__error" role="alert">{t("firstRun.systemError", {error: localizeError(systemError)})}</p>}
            <Recommendation />
            <section className="welcome__own" aria-labelledby="welcome-own">
                <h3 id="welcome-own" className="welcome__pick-heading">{t("firstRun.haveModel")}</h3>
                <p className="welcome__status">{t("firstRun.haveModelHint")}</p>
                <AddModelFiles />
                <ModelsFolder />
            </section>
        </section>
    );
}

function MachineSummary({system}: {system: SystemInfo | null}) {
    const {t, i18n} = useTranslation();
    if (system == null)
        return <p className="welcome__machine" role="status">{t("firstRun.detecting")}</p>;
    const {machine} = system;
    const graphics = machine.backend === "cpu"
        ? t("firstRun.noGpu")
        : t(machine.unifiedMemory ? "firstRun.gpuUnified" : "firstRun.gpu", {
            names: machine.gpuNames.join(", ") || t(`models.backend.${machine.backend}`),
            backend: t(`models.backend.${machine.backend}`),
            memory: formatBytes(machine.vramBytes, i18n.language)
        });
    return (
        <dl className="welcome__machine" aria-label={t("firstRun.machine")}>
            <dt>{t("firstRun.memory")}</dt>
            <dd>{formatBytes(machine.totalRamBytes, i18n.language)}</dd>
            <dt>{t("firstRun.processor")}</dt>
            <dd>{t("firstRun.cores", {model: machine.cpuModel, count: machine.mathCores})}</dd>
            <dt>{t("firstRun.graphics")}</dt>
            <dd>{graphics}</dd>
        </dl>
    );
}

function Recommendation() {
    const {t, i18n} = useTranslation();
    const recommendation = usePonder((state) => state.recommendation);
    const catalog = usePonder((state) => state.catalog);
    const recommendModel = usePonder((state) => state.recommendModel);
    const downloadAndStart = usePonder((state) => state.downloadAndStart);
    const showView = usePonder((state) => state.showView);
    const download = usePonder(firstRunDownload);
    const runtime = usePonder((state) => state.runtime);
    const [starting, setStarting] = useState(false);
    const [error, setError] = useState<Failure | null>(null);

    const browse = <button type="button" className="button" onClick={() => showView("models")}>{t("firstRun.browse")}</button>;

    if (recommendation == null || recommendation === "pending")
        return <p className="welcome__status" role="status">{t("firstRun.checking")}</p>;
    if (recommendation.status !== "recommended") {
        return (
            <div className="welcome__problem">
                <p role="alert">{recommendation.status === "nothingFits" ? t("firstRun.nothingFits") : t("firstRun.offline")}</p>
                {recommendation.status === "unreachable" && (
                    <p className="welcome__status">{t("firstRun.offlineDetail", {error: localizeError(recommendation.error)})}</p>
                )}
                <div className="welcome__actions">
                    {recommendation.status === "unreachable" && <button type="button" className="button" onClick={() => void recommendModel()}>{t("firstRun.retry")}</button>}
                    {browse}
                </div>
            </div>
        );
    }

    const entry = catalog?.find((candidate) => candidate.id === recommendation.entryId);
    if (entry == null)
        return <p className="welcome__status" role="status">{t("firstRun.checking")}</p>;
    const title = t("library.catalogEntry", {name: entry.name, quantization: entry.quantization});

    async function start(entryId: string) {
        setStarting(true);
        setError(failureIn(await downloadAndStart(entryId)));
        setStarting(false);
    }

    return (
        <article className="welcome__pick" aria-label={t("firstRun.recommended")}>
            <h3 className="welcome__pick-heading">{t("firstRun.recommended")}</h3>
            <p className="welcome__pick-name">{title}</p>
            <p className="welcome__pick-details">
                {t("library.catalogDetails", {
                    parameters: catalogParameters(entry.parameters, t),
                    size: formatBytes(entry.approxSizeBytes, i18n.language),
                    tokens: new Intl.NumberFormat(i18n.language).format(entry.contextLength),
                    licence: entry.licence
                })}
            </p>
            <p className="welcome__pick-description">{catalogText(entry, i18n.language).description}</p>
            <FitLabel state={{status: "done", fit: recommendation.fit}} />
            {download == null
                ? (
                    <div className="welcome__actions">
                        <button type="button" className="button button--primary" disabled={starting} onClick={() => void start(entry.id)}>{t("firstRun.download")}</button>
                        {browse}
                    </div>
                )
                : <ul className="library__list welcome__download" aria-label={t("library.downloads")}><DownloadItem download={download} /></ul>}
            {runtime.status === "loading" && download?.modelId != null && runtime.modelId === download.modelId && (
                <p className="welcome__status" role="status">{t("firstRun.loading", {name: title})}</p>
            )}
            {error != null && <p className="welcome__error" role="alert">{localizeError(error)}</p>}
        </article>
    );
}
