import type {StateCreator} from "zustand/vanilla";
import type {LogTail, ModelRecommendation, PonderApi, SystemInfo} from "../../../electron/contract";
import type {PonderState} from "./createPonderStore";
import type {Failure} from "../i18n/localizeError";
import {requestAction} from "./requestAction";

export interface FirstRunSlice {
    /** Versions and hardware (About box, welcome); null until asked for. */
    system: SystemInfo | null;
    /** Why the machine couldn't be described (llama.cpp failed to start); the welcome says so instead of waiting. */
    systemError: Failure | null;
    /** null: not asked yet; "pending": the candidates' headers are being read from the hub. */
    recommendation: ModelRecommendation | "pending" | null;
    /** The download the welcome started, until its model has loaded (or it was cancelled). */
    firstRunDownloadId: string | null;
    /** The hub couldn't be reached when last asked (offline): downloads can't work. */
    hubUnreachable(): boolean;
    loadSystem(): Promise<void>;
    /** The log's folder and last lines, for About's Copy details; null until read (or when it can't be). */
    logTail: LogTail | null;
    loadLogTail(): Promise<void>;
    /** Desktop only: shows the logs folder in the system file manager. */
    openLogsFolder(): Promise<void>;
    recommendModel(): Promise<void>;
    /** Resolves to the reason it failed (shown in the welcome), or null once queued. */
    downloadAndStart(entryId: string): Promise<Failure | null>;
}


export const createFirstRunSlice = (api: PonderApi): StateCreator<PonderState, [], [], FirstRunSlice> => (set, get, store) => {
    let recommendationSequence = 0;
    let stopWatching: (() => void) | undefined;

    /**
     * "One click": the model loads once its download is verified, without a visit to Models, but
     * only if nothing else was loaded meanwhile. Until then the welcome stays, with the progress.
     */
    function watchFirstRunDownload(downloadId: string) {
        stopWatching?.();
        let listed = false;
        const finish = () => {
            stopWatching?.();
            stopWatching = undefined;
        };
        stopWatching = store.subscribe((state) => {
            const download = state.downloads.find((candidate) => candidate.id === downloadId);
            if (download == null) {
                // Cancelled after it was listed: nothing to load, and the welcome offers it again.
                if (listed) {
                    finish();
                    set({firstRunDownloadId: null});
                }
                return;
            }
            listed = true;
            if (download.status !== "done" || download.modelId == null)
                return;
            finish();
            if (state.runtime.status === "empty" || state.runtime.status === "error")
                void get().loadModel(download.modelId).finally(() => set({firstRunDownloadId: null}));
            else
                set({firstRunDownloadId: null});
        });
    }

    return {
        system: null,
        systemError: null,
        logTail: null,
        recommendation: null,
        firstRunDownloadId: null,
        hubUnreachable() {
            const recommendation = get().recommendation;
            return typeof recommendation === "object" && recommendation?.status === "unreachable";
        },
        async loadSystem() {
            const result = await requestAction(null, () => api.app.getSystem());
            set(result.ok ? {system: result.value, systemError: null} : {systemError: result.failure});
        },
        async loadLogTail() {
            const result = await requestAction(get().reportError, () => api.app.getLogs());
            if (result.ok)
                set({logTail: result.value});
        },
        async openLogsFolder() {
            await requestAction(get().reportError, () => api.app.openLogsFolder());
        },
        async recommendModel() {
            // Several reads of the hub, one after another: an older request's answer must not overwrite a newer one's.
            const sequence = ++recommendationSequence;
            set({recommendation: "pending"});
            let recommendation: ModelRecommendation;
            try {
                recommendation = await api.catalog.recommend();
            } catch (error) {
                recommendation = {status: "unreachable", error: (error as Error).message ?? String(error)};
            }
            if (sequence === recommendationSequence)
                set({recommendation});
        },
        async downloadAndStart(entryId) {
            const result = await requestAction(null, () => api.downloads.add({address: entryId}));
            if (!result.ok)
                return result.failure;
            const downloadId = result.value.id;
            set({firstRunDownloadId: downloadId});
            watchFirstRunDownload(downloadId);
            return null;
        }
    };
};
