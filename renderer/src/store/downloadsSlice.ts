import type {StateCreator} from "zustand/vanilla";
import type {CatalogEntry, Download, FitEstimate, PonderApi} from "../../../electron/contract";
import type {PonderState} from "./createPonderStore";
import {requestAction} from "./requestAction";
import type {ActionResult} from "./requestAction";
import type {Failure} from "../i18n/localizeError";

/** A will-it-fit estimate as the Models view shows it: on its way, known, or why it failed. */
export type FitState = {status: "pending"} | {status: "done"; fit: FitEstimate} | {status: "error"; error: Failure};

/** Models to download: the catalog, the download queue, and will-it-fit estimates of what could be downloaded or loaded. */
export interface DownloadsSlice {
    catalog: readonly CatalogEntry[] | null;
    downloads: readonly Download[];
    /** Estimates by catalog id, address or model id. */
    fits: Readonly<Record<string, FitState>>;
    /** The catalog and the queue, with the app's info the views beside them show (`shell`, `modelsDir`, `dataDir`). */
    loadCatalog(): Promise<void>;
    setDownloads(downloads: readonly Download[]): void;
    /** The failure is shown beside the field, not as a notice. */
    addDownload(address: string): Promise<ActionResult<Download>>;
    pauseDownload(downloadId: string): Promise<void>;
    resumeDownload(downloadId: string): Promise<void>;
    cancelDownload(downloadId: string): Promise<void>;
    estimateFit(key: string, target: {modelId: string} | {address: string}): Promise<void>;
}

export const createDownloadsSlice = (api: PonderApi): StateCreator<PonderState, [], [], DownloadsSlice> => (set, get) => ({
    catalog: null,
    downloads: [],
    fits: {},
    async loadCatalog() {
        const result = await requestAction(get().reportError, () => Promise.all([api.catalog.list(), api.downloads.list(), api.app.getInfo()]));
        if (!result.ok)
            return;
        const [catalog, downloads, info] = result.value;
        set({catalog, downloads, shell: info.shell, modelsDir: info.modelsDir, dataDir: info.dataDir});
    },
    setDownloads(downloads) {
        set({downloads});
    },
    addDownload(address) {
        return requestAction(null, () => api.downloads.add({address}));
    },
    async pauseDownload(downloadId) {
        await requestAction(get().reportError, () => api.downloads.pause({downloadId}));
    },
    async resumeDownload(downloadId) {
        await requestAction(get().reportError, () => api.downloads.resume({downloadId}));
    },
    async cancelDownload(downloadId) {
        await requestAction(get().reportError, () => api.downloads.cancel({downloadId}));
    },
    async estimateFit(key, target) {
        set((state) => ({fits: {...state.fits, [key]: {status: "pending"}}}));
        const result = await requestAction(null, () => api.models.estimateFit(target));
        const fit: FitState = result.ok ? {status: "done", fit: result.value} : {status: "error", error: result.failure};
        set((state) => ({fits: {...state.fits, [key]: fit}}));
    }
});
