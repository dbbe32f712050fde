import type {StateCreator} from "zustand/vanilla";
import type {AppInfo, CatalogEntry, Download, FitEstimate, ModelFile, PonderApi} from "../../../electron/contract";
import type {PonderState} from "./createPonderStore";
import {requestAction} from "./requestAction";
import type {Failure} from "../i18n/localizeError";

/** A will-it-fit estimate as the Models view shows it: on its way, known, or why it failed. */
export type FitState = {status: "pending"} | {status: "done"; fit: FitEstimate} | {status: "error"; error: Failure};

export interface LibrarySlice {
    catalog: readonly CatalogEntry[] | null;
    downloads: readonly Download[];
    /** Estimates by catalog id, address or model id. */
    fits: Readonly<Record<string, FitState>>;
    /** Where the core runs: only the desktop app can reveal files and show an open dialog. Null until the library loads. */
    shell: AppInfo["shell"] | null;
    /** The folder models are listed from and downloaded to; null until the library loads. */
    modelsDir: string | null;
    /** Where conversations and settings are kept; null until the library loads. */
    dataDir: string | null;
    loadLibrary(): Promise<void>;
    setDownloads(downloads: readonly Download[]): void;
    /** Resolves to the reason it failed (shown beside the field), or null once queued. */
    addDownload(address: string): Promise<Failure | null>;
    pauseDownload(downloadId: string): Promise<void>;
    resumeDownload(downloadId: string): Promise<void>;
    cancelDownload(downloadId: string): Promise<void>;
    estimateFit(key: string, target: {modelId: string} | {address: string}): Promise<void>;
    /** Resolves to the reason it failed, or null once added. */
    importModel(fileOrFolder: string): Promise<Failure | null>;
    /** Desktop only: the system's open dialog; resolves to the reason it failed, or null (also when cancelled). */
    importPickedModels(): Promise<Failure | null>;
    /** Desktop only: shows the models folder in the system file manager. */
    openModelsFolder(): Promise<void>;
    /** Another folder for models: the one typed, or (desktop, without a path) the one picked; resolves to the reason it failed, or null. */
    changeModelsFolder(folder?: string): Promise<Failure | null>;
    /** Desktop only: shows the model's file in the system file manager. */
    revealModel(modelId: string): Promise<void>;
    deleteModel(modelId: string): Promise<void>;
}


export const createLibrarySlice = (api: PonderApi): StateCreator<PonderState, [], [], LibrarySlice> => (set, get) => {
    async function report(request: () => Promise<unknown>): Promise<void> {
        await requestAction(get().reportError, request);
    }

    /**
     * Lists the models a request added; with none loaded, the first usable new one loads, so a
     * first run with a GGUF file on disk needs no visit to the Models view. Resolves to the reason it failed, or null.
     */
    async function addModels(request: () => Promise<readonly ModelFile[]>): Promise<Failure | null> {
        const known = new Set(get().modelFiles.map((file) => file.id));
        const result = await requestAction(null, request);
        if (!result.ok)
            return result.failure;
        const files = result.value;
        get().setModelFiles(files);
        const added = files.find((file) => !known.has(file.id) && file.error == null);
        const {status} = get().runtime;
        if (added != null && (status === "empty" || status === "error"))
            void get().loadModel(added.id);
        return null;
    }

    return {
        catalog: null,
        downloads: [],
        fits: {},
        shell: null,
        modelsDir: null,
        dataDir: null,
        loadLibrary() {
            return report(async () => {
                const [catalog, downloads, info] = await Promise.all([api.catalog.list(), api.downloads.list(), api.app.getInfo()]);
                set({catalog, downloads, shell: info.shell, modelsDir: info.modelsDir, dataDir: info.dataDir});
            });
        },
        setDownloads(downloads) {
            set({downloads});
        },
        async addDownload(address) {
            const result = await requestAction(null, () => api.downloads.add({address}));
            return result.ok ? null : result.failure;
        },
        pauseDownload(downloadId) {
            return report(() => api.downloads.pause({downloadId}));
        },
        resumeDownload(downloadId) {
            return report(() => api.downloads.resume({downloadId}));
        },
        cancelDownload(downloadId) {
            return report(() => api.downloads.cancel({downloadId}));
        },
        async estimateFit(key, target) {
            set((state) => ({fits: {...state.fits, [key]: {status: "pending"}}}));
            const result = await requestAction(null, () => api.models.estimateFit(target));
            const fit: FitState = result.ok ? {status: "done", fit: result.value} : {status: "error", error: result.failure};
            set((state) => ({fits: {...state.fits, [key]: fit}}));
        },
        importModel(fileOrFolder) {
            return addModels(() => api.models.import({path: fileOrFolder}));
        },
        importPickedModels() {
            return addModels(() => api.models.importPicked());
        },
        openModelsFolder() {
            return report(() => api.models.openFolder());
        },
        async changeModelsFolder(folder) {
            return addModels(async () => {
                set({modelsDir: (await api.models.changeFolder(folder == null ? {} : {path: folder})).modelsDir});
                return api.models.list();
            });
        },
        revealModel(modelId) {
            return report(() => api.models.reveal({modelId}));
        },
        deleteModel(modelId) {
            return report(async () => get().setModelFiles(await api.models.delete({modelId})));
        }
    };
};
