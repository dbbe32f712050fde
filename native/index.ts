// The public list of native/: everything the rest of Ponder may use of llama.cpp.
export {LlamaRuntime, type Backend, type LlamaRuntimeOptions} from "./LlamaRuntime/LlamaRuntime.ts";
export {LoadedModel, type LoadModelOptions} from "./LoadedModel/LoadedModel.ts";
export {
    ContextOverflowError,
    type ConversationTurn,
    type GenerateReplyOptions,
    type GenerateReplyResult,
    type ReplyStopReason,
    type SamplingOptions
} from "./generation/generateReply.ts";
export type {SegmentChunk, SegmentKind} from "./generation/ThoughtSegmenter.ts";
export {InvalidModelFileError, readModelMetadata, type ModelFileMetadata} from "./gguf/readModelMetadata.ts";
