import {modelDisplayName} from "../format/modelName";
import type {PonderState} from "./createPonderStore";

// Named selectors of the model files slice.

/** The name a model is shown by (a listed file's, or a remote engine's model). */
export const modelName = (modelId: string) => (state: PonderState) => modelDisplayName(modelId, state.modelFiles, state.engines);
