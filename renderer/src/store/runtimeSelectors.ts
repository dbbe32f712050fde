import type {PonderState} from "./createPonderStore";

// Named selectors of the runtime slice: what components read of the loaded model.

/** The loaded model's context size; null unless a model is ready. */
export const loadedContextSize = (state: PonderState) => state.runtime.status === "ready" ? state.runtime.contextSize ?? null : null;

/** The loaded model's id; null unless a model is ready. */
export const loadedModelId = (state: PonderState) => state.runtime.status === "ready" ? state.runtime.modelId ?? null : null;

/** A model is ready and the connection is up: a prompt sent now is answered. */
export const readyToAnswer = (state: PonderState) => state.runtime.status === "ready" && state.connection === "connected";

/** The loaded model as the Local API names it; undefined unless a model is ready. */
export const loadedApiModel = (state: PonderState) => state.runtime.status === "ready" ? state.runtime.api : undefined;

/** A model load was asked for or is running. */
export const modelLoading = (state: PonderState) => state.modelRequestPending || state.runtime.status === "loading";

/** The runtime while this model is loaded and ready; undefined otherwise. */
export const readyRuntimeOf = (modelId: string | null | undefined) => (state: PonderState) =>
    state.runtime.status === "ready" && state.runtime.modelId === modelId ? state.runtime : undefined;
