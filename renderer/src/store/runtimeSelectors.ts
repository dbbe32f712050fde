import type {PonderState} from "./createPonderStore";

// Named selectors of the runtime slice: what components read of the loaded model.

/** The loaded model's context size; null unless a model is ready. */
export const loadedContextSize = (state: PonderState) => state.runtime.status === "ready" ? state.runtime.contextSize ?? null : null;

/** The loaded model's id; null unless a model is ready. */
export const loadedModelId = (state: PonderState) => state.runtime.status === "ready" ? state.runtime.modelId ?? null : null;

/** The runtime while this model is loaded and ready; undefined otherwise. */
export const readyRuntimeOf = (modelId: string | null | undefined) => (state: PonderState) =>
    state.runtime.status === "ready" && state.runtime.modelId === modelId ? state.runtime : undefined;
