import type {StateCreator} from "zustand/vanilla";
import type {PonderApi, RuntimeState} from "../../../electron/contract";
import type {PonderState} from "./createPonderStore";
import {requestAction} from "./requestAction";
import type {ActionResult} from "./requestAction";

/** The model runtime: which model is loaded (or loading, or failed), and the requests that change it. */
export interface RuntimeSlice {
    runtime: RuntimeState;
    /** A load or unload request is on its way; its buttons wait for it. */
    modelRequestPending: boolean;
    setRuntime(runtime: RuntimeState): void;
    loadModel(modelId: string): Promise<ActionResult<RuntimeState>>;
    unloadModel(): Promise<ActionResult<RuntimeState>>;
}

export const createRuntimeSlice = (api: PonderApi): StateCreator<PonderState, [], [], RuntimeSlice> => (set, get) => ({
    runtime: {status: "empty"},
    modelRequestPending: false,
    setRuntime(runtime) {
        set({runtime});
    },
    async loadModel(modelId) {
        set({modelRequestPending: true});
        const result = await requestAction(get().reportError, () => api.models.load({modelId}));
        set(result.ok ? {runtime: result.value, modelRequestPending: false} : {modelRequestPending: false});
        return result;
    },
    async unloadModel() {
        set({modelRequestPending: true});
        const result = await requestAction(get().reportError, () => api.models.unload());
        set(result.ok ? {runtime: result.value, modelRequestPending: false} : {modelRequestPending: false});
        return result;
    }
});
