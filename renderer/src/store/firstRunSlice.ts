import type {StateCreator} from "zustand/vanilla";
import type {Download, ModelRecommendation, PonderApi} from "../../../electron/contract";
import type {PonderState} from "./createPonderStore";
import {requestAction} from "./requestAction";
import type {ActionResult} from "./requestAction";

/** The welcome's one-click start: the model recommended for this machine and the download it started. */
export interface FirstRunSlice {
    /** null: not asked yet; "pending": the candidates' headers are being read from the hub. */
    recommendation: ModelRecommendation | "pending" | null;
    /** The download the welcome started, until its model has loaded (or it was cancelled). */
    firstRunDownloadId: string | null;
    recommendModel(): Promise<void>;
    /** The failure is shown in the welcome, not as a notice. */
    downloadAndStart(entryId: string): Promise<ActionResult<Download>>;
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
        recommendation: null,
        firstRunDownloadId: null,
        async recommendModel() {
            // Several reads of the hub, one after another: an older request's answer must not overwrite a newer one's.
            const sequence = ++recommendationSequence;
            set({recommendation: "pending"});
            // The welcome shows why (the hub unreachable, in the UI's language), not a notice.
            const result = await requestAction(null, () => api.catalog.recommend());
            const recommendation: ModelRecommendation = result.ok ? result.value : {status: "unreachable", error: result.failure};
            if (sequence === recommendationSequence)
                set({recommendation});
        },
        async downloadAndStart(entryId) {
            const result = await requestAction(null, () => api.downloads.add({address: entryId}));
            if (result.ok) {
                set({firstRunDownloadId: result.value.id});
                watchFirstRunDownload(result.value.id);
            }
            return result;
        }
    };
};
