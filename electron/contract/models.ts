/**
 * Model files on disk, the loaded model, the will-it-fit estimate and the curated catalog.
 * The requests' argument schemas (built with the zod the main side passes in, so this module loads
 * without it), their results, events and the values they carry; ../contract.ts joins every domain.
 */
import type {AppInfo, Backend} from "./app.ts";
import {type GenerationSettingName, type KvCacheType, type LoadSettings, kvCacheTypes} from "./settings.ts";
import type {RequestSchemaBuilders} from "./RequestSchemaBuilders.ts";
import {everyName} from "./everyName.ts";
import type {Failure} from "./errors.ts";

export const modelsRequests = {
    "models.list": ({z}) => z.undefined(),
    "models.load": ({z, id}) => z.strictObject({modelId: id}),
    "models.unload": ({z}) => z.undefined(),
    "models.getState": ({z}) => z.undefined(),
    /** Asks for confirmation in the UI first: the file is deleted from disk. */
    "models.delete": ({z, id}) => z.strictObject({modelId: id}),
    /** A .gguf file, or a folder whose .gguf files are all added; kept where they are. */
    "models.import": ({z}) => z.strictObject({path: z.string().min(1).max(4096)}),
    /** Desktop only: the system's open dialog picks .gguf files, which are imported; cancelled, nothing changes. */
    "models.importPicked": ({z}) => z.undefined(),
    /** Desktop only: shows a listed model's file in the system file manager (the core finds the path). */
    "models.reveal": ({z, id}) => z.strictObject({modelId: id}),
    /** Desktop only: shows the models folder in the system file manager. */
    "models.openFolder": ({z}) => z.undefined(),
    /** Models are listed from, and downloaded to, another existing folder; omitted: the desktop app asks with its open dialog. */
    "models.changeFolder": ({z}) => z.strictObject({path: z.string().trim().min(1).max(4096).optional()}),
    /** Exactly one: a listed model, or a catalog id / `hf:` URI / URL to read remotely. */
    /** The KV cache type and draft model default to the model's load settings (a listed model), else f16 and none; a `draftModelId` of null asks without one. */
    "models.estimateFit": ({z, id}) => z.union([
        z.strictObject({modelId: id, kvCacheType: z.enum(kvCacheTypes).optional(), draftModelId: id.nullable().optional()}),
        z.strictObject({address: z.string().trim().min(1).max(2000), kvCacheType: z.enum(kvCacheTypes).optional()})
    ])
} satisfies RequestSchemaBuilders;

export interface ModelsResults {
    "models.list": ModelFile[];
    "models.load": RuntimeState;
    "models.unload": RuntimeState;
    "models.getState": RuntimeState;
    "models.delete": ModelFile[];
    "models.import": ModelFile[];
    "models.importPicked": ModelFile[];
    "models.reveal": void;
    "models.openFolder": void;
    "models.changeFolder": AppInfo;
    "models.estimateFit": FitEstimate;
}

export interface ModelsEvents {
    "models.stateChanged": RuntimeState;
    "models.listChanged": ModelFile[];
}

export const modelsEventNames = everyName<keyof ModelsEvents>()(["models.stateChanged", "models.listChanged"]);

export const catalogRequests = {
    "catalog.list": ({z}) => z.undefined(),
    /** The best reasoning model of the catalog for this machine; reads candidates' GGUF headers from the hub. */
    "catalog.recommend": ({z}) => z.undefined()
} satisfies RequestSchemaBuilders;

export interface CatalogResults {
    "catalog.list": CatalogEntry[];
    "catalog.recommend": ModelRecommendation;
}

export interface ModelFile {
    /** The file's path relative to the models folder; stable across restarts. */
    id: string;
    fileName: string;
    sizeBytes: number;
    /** Present when the GGUF header was read. */
    metadata?: ModelMetadata;
    /** Why the file can't be used (not a GGUF, truncated, broken metadata). */
    error?: Failure;
    /** Added from outside the models folder: deleting it only takes it off the list. */
    imported?: boolean;
}

export interface ModelMetadata {
    name: string;
    architecture: string;
    /** e.g. "Q4_K_M", from `general.file_type`. */
    quantization: string;
    parameterCount?: number;
    contextLength?: number;
    /** Whether its chat template has it reason in `<think>` before answering. */
    thinks?: boolean;
    /** An embedding model: used to search attached documents (and by `/v1/embeddings`), never loaded for chat. */
    embedding?: boolean;
    /** A recurrent or hybrid model (Mamba, RWKV, LFM2, Qwen3-Next…): it can't use a draft model or prompt lookup (`model.draftOnRecurrent`). */
    recurrent?: boolean;
}

export type RuntimeStatus = "empty" | "loading" | "ready" | "error";

export interface RuntimeState {
    status: RuntimeStatus;
    /** The model loaded, loading, or that failed to load. */
    modelId?: string;
    /** The compute backend llama.cpp runs on; known once the runtime starts. */
    backend?: Backend;
    /** Whether the model's chat template makes it reason before answering. */
    thinks?: boolean;
    chatWrapper?: string;
    contextSize?: number;
    /**
     * The user's load settings the model was loaded with (null: automatic), so the UI can say when
     * changed ones wait for a reload. Only for a model on this machine.
     */
    loadedWith?: LoadSettings;
    error?: Failure;
    /** The remote engine's name when the model runs there rather than on this machine. */
    engine?: string;
    /** Settings the loaded model's engine can't apply (a remote engine's), so the UI can say so. */
    unsupportedSettings?: GenerationSettingName[];
    /** Whether the engine can write on where a cut-short answer ended. */
    continuesReplies?: boolean;
    /** Whether the engine can close the reasoning on request ("Answer now"). */
    answersNow?: boolean;
    /** How the local API names the model: its short id (what requests put in `model`) and its display name. */
    api?: {id: string; name: string};
}

/** How a model would run here: all on the GPU, split between GPU and CPU, on the CPU alone, or not at all. */
export type FitVerdict = "gpu" | "partial" | "cpu" | "tooLarge";

/** The will-it-fit estimate, from the GGUF header and this machine's memory (KV cache included). */
export interface FitEstimate {
    verdict: FitVerdict;
    modelBytes: number;
    /** Memory needed at {@link contextSize} (or at the smallest context, when nothing fits). */
    ramBytes: number;
    vramBytes: number;
    availableRamBytes: number;
    availableVramBytes: number;
    /** The largest context (tokens per reply) that fits, up to the model's own; 0 when none does. */
    contextSize: number;
    trainContextSize: number;
    /** The parallel replies estimated for: each holds its own KV cache of {@link contextSize} tokens. */
    parallel: number;
    /** The KV cache type estimated for. */
    kvCacheType: KvCacheType;
    /** With a draft model: the size of its weights; they and its context are in the memory needed. */
    draftModelBytes?: number;
}

/** A model of the curated catalog (assets/catalog/catalog.json). */
export interface CatalogEntry {
    id: string;
    name: string;
    family: string;
    /** `hf:owner/repo:QUANT`, resolved against the hub setting. */
    address: string;
    quantization: string;
    parameters: string;
    /** Approximate: the exact size comes from the hub when the download starts. */
    approxSizeBytes: number;
    contextLength: number;
    licence: string;
    description: string;
    recommended: {temperature: number; topP: number; topK?: number; minP?: number; note?: string};
    /** The catalog's default pick. */
    isDefault: boolean;
    /** Order in which the first-run welcome considers this model (1 first); absent: not a first-run candidate. */
    firstRunRank?: number;
    /** The description and note in other UI languages, by language tag (`zh-CN`). */
    translations?: Record<string, {description: string; note?: string}>;
    /** Facts in this entry that were not checked against the hub when the catalog was written. */
    unverified: string[];
    /** `embedding`: the model that searches attached documents too large for the context; absent: a chat model. */
    kind?: "embedding" | "draft";
    /** The catalog id of a small model of the same vocabulary to load as its draft model (speculative decoding). */
    draft?: string;
}

/**
 * The first-run pick: the first catalog candidate (by `firstRunRank`) that runs fully on the GPU,
 * else the first that runs partly on it, else a small one on the CPU.
 */
export type ModelRecommendation =
    | {status: "recommended"; entryId: string; fit: FitEstimate}
    /** Every candidate's estimate came back too large. */
    | {status: "nothingFits"}
    /** No candidate's header could be read (offline, or the hub is down); `error` says why. */
    | {status: "unreachable"; error: Failure};
