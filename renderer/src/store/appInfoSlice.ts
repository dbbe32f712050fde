import type {StateCreator} from "zustand/vanilla";
import type {AppInfo, LogTail, PonderApi, SystemInfo} from "../../../electron/contract";
import type {PonderState} from "./createPonderStore";
import type {Failure} from "../i18n/localizeError";
import {requestAction} from "./requestAction";
import type {ActionResult} from "./requestAction";
import {updateField} from "./updateField";

/** What the app knows of itself and its machine: where it runs and keeps data, versions and hardware, its log. */
export interface AppInfoSlice {
    /** Where the core runs: only the desktop app can reveal files and show an open dialog. Null until the catalog loads (`loadCatalog`). */
    shell: AppInfo["shell"] | null;
    /** Where conversations and settings are kept; null until the catalog loads. */
    dataDir: string | null;
    /** Versions and hardware (About box, welcome); null until asked for. */
    system: SystemInfo | null;
    /** Why the machine couldn't be described (llama.cpp failed to start); the welcome says so instead of waiting. */
    systemError: Failure | null;
    loadSystem(): Promise<void>;
    /** The log's folder and last lines, for About's Copy details; null until read (or when it can't be). */
    logTail: LogTail | null;
    loadLogTail(): Promise<ActionResult<LogTail>>;
    /** Desktop only: shows the logs folder in the system file manager. */
    openLogsFolder(): Promise<void>;
}

export const createAppInfoSlice = (api: PonderApi): StateCreator<PonderState, [], [], AppInfoSlice> => (set, get) => ({
    shell: null,
    dataDir: null,
    system: null,
    systemError: null,
    logTail: null,
    async loadSystem() {
        const result = await requestAction(null, () => api.app.getSystem());
        set(result.ok ? {system: result.value, systemError: null} : {systemError: result.failure});
    },
    loadLogTail() {
        return updateField(get, set, "logTail")(() => api.app.getLogs());
    },
    async openLogsFolder() {
        await requestAction(get().reportError, () => api.app.openLogsFolder());
    }
});
