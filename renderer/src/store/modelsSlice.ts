import type {StateCreator} from "zustand/vanilla";
import type {ModelFile, PonderApi, RuntimeState} from "../../../electron/contract";
import type {PonderState} from "./createPonderStore";
import {requestAction} from "./requestAction";

export interface ModelsSlice {
    /** The GGUF files in the models folder, as last listed by the main side. */
    modelFiles: readonly ModelFile[];
    /** False until the first list arrives: an empty list before then says nothing (the first-run welcome waits for it). */
    modelsListed: boolean;
    runtime: RuntimeState;
    /** A load or unload request is on its way; its buttons wait for it. */
    modelRequestPending: boolean;
    setModelFiles(files: readonly ModelFile[]): void;
    setRuntime(runtime: RuntimeState): void;
    loadModel(modelId: string): Promise<void>;
    unloadModel(): Promise<void>;
}

export const createModelsSlice = (api: PonderApi): StateCreator<PonderState, [], [], ModelsSlice> => (set, get) => {
    async function changeRuntime(request: () => Promise<RuntimeState>): Promise<void> {
        set({modelRequestPending: true});
        const result = await requestAction(get().reportError, request);
        set(result.ok ? {runtime: result.value, modelRequestPending: false} : {modelRequestPending: false});
    }

    return {
        modelFiles: [],
        modelsListed: false,
        runtime: {status: "empty"},
        modelRequestPending: false,
        setModelFiles(files) {
            set({modelFiles: files, modelsListed: true});
        },
        setRuntime(runtime) {
            set({runtime});
        },
        loadModel(modelId) {
            return changeRuntime(() => api.models.load({modelId}));
        },
        unloadModel() {
            return changeRuntime(() => api.models.unload());
        }
    };
};
