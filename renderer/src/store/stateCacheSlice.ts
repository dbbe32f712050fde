import type {StateCreator} from "zustand/vanilla";
import type {PonderApi, StateCacheInfo} from "../../../electron/contract";
import type {PonderState} from "./createPonderStore";
import {requestAction} from "./requestAction";

export interface StateCacheSlice {
    /** Conversations' saved states on disk; null until first loaded. */
    stateCache: StateCacheInfo | null;
    loadStateCache(): Promise<void>;
    setStateCacheBudget(budgetBytes: number): Promise<void>;
    clearStateCache(): Promise<void>;
}

export const createStateCacheSlice = (api: PonderApi): StateCreator<PonderState, [], [], StateCacheSlice> => (set, get) => {
    async function update(request: () => Promise<StateCacheInfo>) {
        const result = await requestAction(get().reportError, request);
        if (result.ok)
            set({stateCache: result.value});
    }

    return {
        stateCache: null,
        loadStateCache: () => update(() => api.stateCache.get()),
        setStateCacheBudget: (budgetBytes) => update(() => api.stateCache.configure({budgetBytes})),
        clearStateCache: () => update(() => api.stateCache.clear())
    };
};
