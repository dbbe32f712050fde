import type {StateCreator} from "zustand/vanilla";
import type {ModelFile, PonderApi} from "../../../electron/contract";
import type {PonderState} from "./createPonderStore";
import {requestAction} from "./requestAction";
import type {ActionResult} from "./requestAction";

/** The model files on disk: the models folder's GGUF files and the ones imported from elsewhere. */
export interface ModelFilesSlice {
    /** The GGUF files in the models folder, as last listed by the main side. */
    modelFiles: readonly ModelFile[];
    /** False until the first list arrives: an empty list before then says nothing (the first-run welcome waits for it). */
    modelsListed: boolean;
    /** The folder models are listed from and downloaded to; null until the catalog loads (`loadCatalog`). */
    modelsDir: string | null;
    setModelFiles(files: readonly ModelFile[]): void;
    /** The failure is shown beside the field, not as a notice. */
    importModel(fileOrFolder: string): Promise<ActionResult<readonly ModelFile[]>>;
    /** Desktop only: the system's open dialog (a cancel succeeds with nothing added). */
    importPickedModels(): Promise<ActionResult<readonly ModelFile[]>>;
    /** Desktop only: shows the models folder in the system file manager. */
    openModelsFolder(): Promise<void>;
    /** Another folder for models: the one typed, or (desktop, without a path) the one picked. */
    changeModelsFolder(folder?: string): Promise<ActionResult<readonly ModelFile[]>>;
    /** Desktop only: shows the model's file in the system file manager. */
    revealModel(modelId: string): Promise<void>;
    deleteModel(modelId: string): Promise<void>;
}

export const createModelFilesSlice = (api: PonderApi): StateCreator<PonderState, [], [], ModelFilesSlice> => (set, get) => {
    /**
     * Lists the models a request added; with none loaded, the first usable new one loads, so a
     * first run with a GGUF file on disk needs no visit to the Models view.
     */
    async function addModels(request: () => Promise<readonly ModelFile[]>): Promise<ActionResult<readonly ModelFile[]>> {
        const known = new Set(get().modelFiles.map((file) => file.id));
        const result = await requestAction(null, request);
        if (!result.ok)
            return result;
        const files = result.value;
        get().setModelFiles(files);
        const added = files.find((file) => !known.has(file.id) && file.error == null);
        const {status} = get().runtime;
        if (added != null && (status === "empty" || status === "error"))
            void get().loadModel(added.id);
        return result;
    }

    return {
        modelFiles: [],
        modelsListed: false,
        modelsDir: null,
        setModelFiles(files) {
            set({modelFiles: files, modelsListed: true});
        },
        importModel(fileOrFolder) {
            return addModels(() => api.models.import({path: fileOrFolder}));
        },
        importPickedModels() {
            return addModels(() => api.models.importPicked());
        },
        async openModelsFolder() {
            await requestAction(get().reportError, () => api.models.openFolder());
        },
        changeModelsFolder(folder) {
            return addModels(async () => {
                set({modelsDir: (await api.models.changeFolder(folder == null ? {} : {path: folder})).modelsDir});
                return api.models.list();
            });
        },
        async revealModel(modelId) {
            await requestAction(get().reportError, () => api.models.reveal({modelId}));
        },
        async deleteModel(modelId) {
            const result = await requestAction(get().reportError, () => api.models.delete({modelId}));
            if (result.ok)
                get().setModelFiles(result.value);
        }
    };
};
