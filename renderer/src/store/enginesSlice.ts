import type {StateCreator} from "zustand/vanilla";
import type {PonderApi, RemoteEngineInfo, RequestResults} from "../../../electron/contract";
import type {PonderState} from "./createPonderStore";
import {requestAction} from "./requestAction";
import type {ActionResult} from "./requestAction";
import {updateField} from "./updateField";

export interface EnginesSlice {
    /** The remote engines the user added, with the models each listed last; null until first loaded. */
    engines: readonly RemoteEngineInfo[] | null;
    setEngines(engines: readonly RemoteEngineInfo[]): void;
    loadEngines(): Promise<ActionResult<readonly RemoteEngineInfo[]>>;
    /** The failure is shown beside the form, not as a notice. */
    addEngine(engine: {baseUrl: string; apiKey?: string; name?: string}): Promise<ActionResult<RequestResults["engines.add"]>>;
    removeEngine(engineId: string): Promise<void>;
}

export const createEnginesSlice = (api: PonderApi): StateCreator<PonderState, [], [], EnginesSlice> => (set, get) => ({
    engines: null,
    setEngines(engines) {
        set({engines});
    },
    loadEngines() {
        return updateField(get, set, "engines")(() => api.engines.list());
    },
    addEngine(engine) {
        return requestAction(null, () => api.engines.add({...engine, baseUrl: withScheme(engine.baseUrl)}));
    },
    async removeEngine(engineId) {
        await requestAction(get().reportError, () => api.engines.remove({engineId}));
    }
});

/** `localhost:11434` means `http://localhost:11434`: local engines (Ollama, llama-server, LM Studio) serve plain HTTP. */
export function withScheme(address: string): string {
    const trimmed = address.trim();
    return /^[a-z][a-z\d+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
}
