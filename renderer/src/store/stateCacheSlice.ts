import type {StateCreator} from "zustand/vanilla";
import type {PonderApi, StateCacheInfo} from "../../../electron/contract";
import type {PonderState} from "./createPonderStore";
import type {ActionResult} from "./requestAction";
import {updateField} from "./updateField";

export interface StateCacheSlice {
    /** Conversations' saved states on disk; null until first loaded. */
    stateCache: StateCacheInfo | null;
    loadStateCache(): Promise<ActionResult<StateCacheInfo>>;
    setStateCacheBudget(budgetBytes: number): Promise<ActionResult<StateCacheInfo>>;
    clearStateCache(): Promise<ActionResult<StateCacheInfo>>;
}

export const createStateCacheSlice = (api: PonderApi): StateCreator<PonderState, [], [], StateCacheSlice> => (set, get) => {
    const update = updateField(get, set, "stateCache");

    return {
        stateCache: null,
        loadStateCache: () => update(() => api.stateCache.get()),
        setStateCacheBudget: (budgetBytes) => update(() => api.stateCache.configure({budgetBytes})),
        clearStateCache: () => update(() => api.stateCache.clear())
    };
};
