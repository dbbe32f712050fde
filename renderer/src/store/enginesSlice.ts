import type {StateCreator} from "zustand/vanilla";
import type {PonderApi, RemoteEngineInfo} from "../../../electron/contract";
import type {PonderState} from "./createPonderStore";
import type {Failure} from "../i18n/localizeError";
import {requestAction} from "./requestAction";

export interface EnginesSlice {
    /** The remote engines the user added, with the models each listed last; null until first loaded. */
    engines: readonly RemoteEngineInfo[] | null;
    setEngines(engines: readonly RemoteEngineInfo[]): void;
    loadEngines(): Promise<void>;
    /** Resolves to the reason it failed (shown beside the form), or null once added. */
    addEngine(engine: {baseUrl: string; apiKey?: string; name?: string}): Promise<Failure | null>;
    removeEngine(engineId: string): Promise<void>;
}

export const createEnginesSlice = (api: PonderApi): StateCreator<PonderState, [], [], EnginesSlice> => (set, get) => ({
    engines: null,
    setEngines(engines) {
        set({engines});
    },
    async loadEngines() {
        const result = await requestAction(get().reportError, () => api.engines.list());
        if (result.ok)
            set({engines: result.value});
    },
    async addEngine(engine) {
        const result = await requestAction(null, () => api.engines.add({...engine, baseUrl: withScheme(engine.baseUrl)}));
        return result.ok ? null : result.failure;
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
