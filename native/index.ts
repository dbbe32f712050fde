// The public list of native/: everything the rest of Ponder may use of llama.cpp.
export {LlamaRuntime, type Backend, type LlamaBuild, type LlamaRuntimeOptions, type RuntimeDescription} from "./LlamaRuntime/LlamaRuntime.ts";
export {EmbeddingModel, type LoadEmbeddingModelOptions} from "./embedding/EmbeddingModel.ts";
export type {FitSourceOptions, FitVerdict, MachineMemory, ModelFit} from "./fit/estimateModelFit.ts";
export {kvCacheTypes, type KvCacheType} from "./kvCache/kvCacheType.ts";
export {SequenceStateStore, type SequenceStateStoreOptions, type SequenceStateUsage} from "./stateCache/SequenceStateStore.ts";
export {defaultParallelReplies, LoadedModel, type LoadModelOptions} from "./LoadedModel/LoadedModel.ts";
export type {ReplyPriority} from "./generation/SequenceScheduler.ts";
export {
    type AssistantPart,
    type ContextOverflowPolicy,
    type ConversationTurn,
    type GenerateReplyOptions,
    type GenerateReplyResult,
    type ReplyStopReason,
    type SamplingOptions,
    type ToolDefinition
} from "./generation/generateReply.ts";
export type {TokenBiases} from "./generation/tokenBiases.ts";
export type {DetectedToolCall} from "./generation/ToolCallDetector.ts";
export {isForeignToken, languageOfText, type LockedLanguage} from "./generation/languageLock.ts";
export {ReasoningSegmenter, type SegmentChunk, type SegmentKind} from "./generation/ReasoningSegmenter.ts";
export {readModelMetadata, type ModelFileMetadata} from "./gguf/readModelMetadata.ts";
// Not llama.cpp: the one way Ponder starts a worker thread from its own TypeScript file, here so native/ and the core share it.
export {startWorker, type WorkerName} from "./worker/startWorker.ts";
