import type {PonderState} from "./createPonderStore";
import {requestAction} from "./requestAction";
import type {ActionResult} from "./requestAction";

/**
 * The actions behind a field the main side answers with whole (the API server's state, the tools,
 * the state cache, the presets): each runs its request, reports a failure, and on success stores
 * the answer in `key`, so a slice states only which request each action sends.
 */
export function updateField<K extends keyof PonderState>(get: () => PonderState, set: (partial: Partial<PonderState>) => void, key: K) {
    return async <T extends PonderState[K]>(request: () => Promise<T>): Promise<ActionResult<T>> => {
        const result = await requestAction(get().reportError, request);
        if (result.ok)
            set({[key]: result.value});
        return result;
    };
}
