import type {StateCreator} from "zustand/vanilla";
import type {ModelRecommendation, PonderApi, SystemInfo} from "../../../electron/contract";
import type {PonderState} from "./createPonderStore";

export interface FirstRunSlice {
    /** Versions and hardware (About box, welcome); null until asked for. */
    system: SystemInfo | null;
    /** Why the machine couldn't be described (llama.cpp failed to start); the welcome says so instead of waiting. */
    systemError: string | null;
    /** null: not asked yet; "pending": the candidates' headers are being read from the hub. */
    recommendation: ModelRecommendation | "pending" | null;
    /** The download the welcome started; its model is loaded as soon as it is ready. */
    firstRunDownloadId: string | null;
    loadSystem(): Promise<void>;
    recommendModel(): Promise<void>;
    /** Resolves to the reason it failed (shown in the welcome), or null once queued. */
    downloadAndStart(entryId: string): Promise<string | null>;
}

function messageOf(error: unknown) {
    return error instanceof Error && error.message !== "" ? error.message : String(error);
}

export const createFirstRunSlice = (api: PonderApi): StateCreator<PonderState, [], [], FirstRunSlice> => (set, get, store) => ({
    system: null,
    systemError: null,
    recommendation: null,
    firstRunDownloadId: null,
    async loadSystem() {
        try {
            set({system: await api.app.getSystem(), systemError: null});
        } catch (error) {
            set({systemError: messageOf(error)});
        }
    },
    async recommendModel() {
        set({recommendation: "pending"});
        try {
            set({recommendation: await api.catalog.recommend()});
        } catch (error) {
            set({recommendation: {status: "unreachable", error: messageOf(error)}});
        }
    },
    async downloadAndStart(entryId) {
        let downloadId: string;
        try {
            downloadId = (await api.downloads.add({address: entryId})).id;
        } catch (error) {
            return messageOf(error);
        }
        set({firstRunDownloadId: downloadId});
        // "One click": the model loads when its download is verified, without a second visit to Models.
        let listed = false;
        const unsubscribe = store.subscribe((state) => {
            const download = state.downloads.find((candidate) => candidate.id === downloadId);
            if (download == null) {
                // Cancelled after it was listed: nothing to load.
                if (listed)
                    unsubscribe();
                return;
            }
            listed = true;
            if (download.status === "done" && download.modelId != null) {
                unsubscribe();
                void get().loadModel(download.modelId);
            }
        });
        return null;
    }
});
