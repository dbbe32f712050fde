import {useRef, useState} from "react";
import {useTranslation} from "react-i18next";
import type {SystemInfo} from "../../../electron/contract";
import {formatBytes} from "../../../electron/contract/errors";
import {localizeError} from "../i18n/localizeError";
import {useClipboardCopy} from "../hooks/useClipboardCopy";
import {usePonder} from "../store/PonderStoreContext";

/** The versions that matter in a bug report (app, Electron, llama.cpp and its backend) and the machine, with a copy button. */
export function AboutButton() {
    const {t} = useTranslation();
    const dialogRef = useRef<HTMLDialogElement>(null);
    const loadSystem = usePonder((state) => state.loadSystem);
    const loadLogTail = usePonder((state) => state.loadLogTail);
    const [open, setOpen] = useState(false);

    function show() {
        void loadSystem();
        void loadLogTail();
        setOpen(true);
        dialogRef.current?.showModal();
    }

    return (
        <>
            <button type="button" className="button button--small" onClick={show}>{t("about.open")}</button>
            <dialog ref={dialogRef} className="about" aria-labelledby="about-title" onClose={() => setOpen(false)}>
                <h2 id="about-title" className="about__title">{t("about.title")}</h2>
                {open && <AboutDetails />}
                <form method="dialog" className="about__actions">
                    <button type="submit" className="button">{t("about.close")}</button>
                </form>
            </dialog>
        </>
    );
}

function aboutRows(system: SystemInfo, t: ReturnType<typeof useTranslation>["t"], language: string): Array<[string, string]> {
    const {versions, machine} = system;
    const rows: Array<[string, string]> = [[t("about.version"), versions.app]];
    if (versions.electron != null)
        rows.push(["Electron", versions.electron]);
    if (versions.chromium != null)
        rows.push(["Chromium", versions.chromium]);
    rows.push(
        ["Node.js", versions.node],
        ["llama.cpp", `${versions.llamaCpp} (${t(`models.backend.${machine.backend}`)})`],
        ["node-llama-cpp", versions.nodeLlamaCpp],
        [t("about.system"), `${machine.platform} ${machine.arch}`],
        [t("firstRun.processor"), t("firstRun.cores", {model: machine.cpuModel, count: machine.mathCores})],
        [t("firstRun.memory"), formatBytes(machine.totalRamBytes, language)],
        [t("firstRun.graphics"), machine.backend === "cpu"
            ? t("firstRun.noGpu")
            : [machine.gpuNames.join(", ") || t(`models.backend.${machine.backend}`), formatBytes(machine.vramBytes, language)].join(" · ")]
    );
    return rows;
}

function AboutDetails() {
    const {t, i18n} = useTranslation();
    const system = usePonder((state) => state.system);
    const systemError = usePonder((state) => state.systemError);
    const logTail = usePonder((state) => state.logTail);
    const shell = usePonder((state) => state.shell);
    const openLogsFolder = usePonder((state) => state.openLogsFolder);
    const [copied, copy] = useClipboardCopy();

    if (system == null) {
        return systemError == null
            ? <p role="status">{t("firstRun.detecting")}</p>
            : <p role="alert">{t("firstRun.systemError", {error: localizeError(systemError)})}</p>;
    }
    const rows = aboutRows(system, t, i18n.language);
    if (logTail != null)
        rows.push([t("about.logs"), logTail.folder]);

    function copyDetails() {
        const details = rows.map(([name, value]) => `${name}: ${value}`);
        // The log's last lines say what led up to the problem; info level never holds what the user wrote.
        if (logTail != null && logTail.lines.length > 0)
            details.push("", `${t("about.lastLogLines")}:`, ...logTail.lines);
        return copy(details.join("\n"), true);
    }

    return (
        <>
            <p className="about__tagline">{t("about.tagline")}</p>
            <dl className="about__versions">
                {rows.map(([name, value]) => (
                    <div key={name} className="about__row">
                        <dt>{name}</dt>
                        <dd>{value}</dd>
                    </div>
                ))}
            </dl>
            <div className="about__buttons">
                <button type="button" className="button button--small" onClick={() => void copyDetails()}>{copied ? t("about.copied") : t("about.copy")}</button>
                {shell === "desktop" && <button type="button" className="button button--small" onClick={() => void openLogsFolder()}>{t("about.openLogs")}</button>}
            </div>
        </>
    );
}
