import {modelDisplayName} from "../format/modelName";
import type {PonderState} from "./createPonderStore";

// Named selectors of the model files slice.

/** The name a model is shown by (a listed file's, or a remote engine's model). */
export const modelName = (modelId: string) => (state: PonderState) => modelDisplayName(modelId, state.modelFiles, state.engines);

/** Whether the library has an embedding model (attached documents too long for the context can be searched). */
export const libraryHasEmbeddingModel = (state: PonderState) => state.modelFiles.some((file) => file.metadata?.embedding === true);
