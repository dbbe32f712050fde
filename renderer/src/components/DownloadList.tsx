import {useTranslation} from "react-i18next";
import type {Download} from "../../../electron/contract";
import {formatBytes} from "../../../electron/contract/errors";
import {formatDuration} from "../format/formatDuration";
import {usePonder} from "../store/PonderStoreContext";
import {localizeError} from "../i18n/localizeError";

/** The download queue: a progress bar per download, with Pause / Resume / Cancel, and Load once ready. */
export function DownloadList({labelledBy}: {labelledBy: string}) {
    const {t} = useTranslation();
    const downloads = usePonder((state) => state.downloads);
    if (downloads.length === 0)
        return <p className="library__none">{t("library.noDownloads")}</p>;
    return (
        <ul className="library__list" aria-labelledby={labelledBy}>
            {downloads.map((download) => <DownloadItem key={download.id} download={download} />)}
        </ul>
    );
}

export function DownloadItem({download}: {download: Download}) {
    const {t, i18n} = useTranslation();
    const pause = usePonder((state) => state.pauseDownload);
    const resume = usePonder((state) => state.resumeDownload);
    const cancel = usePonder((state) => state.cancelDownload);
    const loadModel = usePonder((state) => state.loadModel);
    const runtime = usePonder((state) => state.runtime);
    const bytes = (value: number) => formatBytes(value, i18n.language);
    const percent = download.totalBytes === 0 ? 0 : Math.floor((download.receivedBytes / download.totalBytes) * 100);
    const active = download.status === "downloading" || download.status === "queued";
    const details = [
        t(`library.status.${download.status}`),
        t("library.progress", {received: bytes(download.receivedBytes), total: bytes(download.totalBytes)}),
        download.status === "downloading" && download.bytesPerSecond > 0 ? t("library.speed", {speed: bytes(download.bytesPerSecond)}) : null,
        download.status === "downloading" && download.etaSeconds != null ? t("library.eta", {time: formatDuration(download.etaSeconds, i18n.language)}) : null
    ].filter((detail) => detail != null);

    return (
        <li className={`download download--${download.status}`}>
            <div className="download__head">
                <span className="download__title">{download.title}</span>
                <span className="download__details">{details.join(" · ")}</span>
            </div>
            <progress
                className="download__bar"
                aria-label={download.title}
                aria-valuetext={`${percent}%`}
                max={download.totalBytes}
                value={download.receivedBytes}
            />
            {download.error != null && <p className="download__error" role="alert">{localizeError(download.error)}</p>}
            {!download.verified && <p className="download__note">{t("library.unverified")}</p>}
            <div className="download__actions">
                {active && <button type="button" className="button button--small" onClick={() => void pause(download.id)}>{t("library.pause")}</button>}
                {(download.status === "paused" || download.status === "error") && (
                    <button type="button" className="button button--small" onClick={() => void resume(download.id)}>{t("library.resume")}</button>
                )}
                {download.status === "done" && download.modelId != null && (
                    runtime.modelId === download.modelId && runtime.status === "ready"
                        ? <span className="model__badge">{t("models.loaded")}</span>
                        : (
                            <button type="button" className="button button--small" aria-label={t("models.loadOf", {name: download.title})} disabled={runtime.status === "loading"} onClick={() => void loadModel(download.modelId!)}>
                                {t("models.load")}
                            </button>
                        )
                )}
                <button type="button" className="button button--small" onClick={() => void cancel(download.id)}>
                    {download.status === "done" ? t("library.remove") : t("library.cancel")}
                </button>
            </div>
        </li>
    );
}
