import {GgufInsights, type Llama} from "node-llama-cpp";
import {readGgufInfo} from "../gguf/readGgufInfo.ts";
import {kvCacheContextOptions, type KvCacheType} from "../kvCache/kvCacheType.ts";
import {defaultParallelReplies, flashAttentionDefault, sequencesFor} from "../LoadedModel/LoadedModel.ts";

/** How a model would run here: all on the GPU, split between GPU and CPU, on the CPU alone, or not at all. */
export type FitVerdict = "gpu" | "partial" | "cpu" | "tooLarge";

/** The memory a model may use on this machine, after leaving room for the system and other apps. */
export interface MachineMemory {
    ramBytes: number;
    /** 0 when there is no GPU to offload to. */
    vramBytes: number;
    /** Apple silicon: RAM and VRAM are one pool, so they don't add up. */
    unified: boolean;
}

export interface ModelFit {
    verdict: FitVerdict;
    /** Size of the weights. */
    modelBytes: number;
    /** RAM and VRAM needed for the weights plus the KV cache at {@link contextSize} (or at the smallest context, when nothing fits). */
    ramBytes: number;
    vramBytes: number;
    memory: MachineMemory;
    /** The largest context (tokens per reply) that fits, up to the model's own; 0 when none does. */
    contextSize: number;
    trainContextSize: number;
    /** Parallel replies the estimate is for: each holds its own KV cache of {@link contextSize} tokens. */
    parallel: number;
    /** The KV cache type the estimate is for. */
    kvCacheType: KvCacheType;
    /** With a draft model: the size of its weights (its weights and context are part of {@link ramBytes} and {@link vramBytes}). */
    draftModelBytes?: number;
}

/** The smallest context worth running a reasoning model with: less can't hold one answer's reasoning. */
const minimumContextSize = 2048;
/** Context sizes are searched in steps of this many tokens. */
const contextStep = 256;

/** `headers` go with the range requests of a remote header (a hub token for a gated repository). */
export interface FitSourceOptions {
    /** Replies decoded at once, each with its own KV cache; defaults to the loaded model's. */
    parallel?: number;
    /** Defaults to f16. A quantized cache holds more context in the same memory. */
    kvCacheType?: KvCacheType;
    /** A draft model (a local path or URL) loaded beside it, with a context of its own as large as the model's. */
    draft?: string;
    headers?: Record<string, string>;
    signal?: AbortSignal;
}

/**
 * Estimates from a GGUF header alone (a local path, or an http(s) URL read with range requests,
 * so nothing is downloaded) whether a model fits this machine's memory, including the KV cache
 * (of the chosen type) of every sequence the parallel replies need, and the largest context that does.
 */
export async function estimateModelFit(llama: Llama, source: string, memory: MachineMemory, {parallel = defaultParallelReplies, kvCacheType = "f16", draft, headers, signal}: FitSourceOptions = {}): Promise<ModelFit> {
    const info = await readGgufInfo(source, {headers, signal});
    const insights = await GgufInsights.from(info, llama);
    const draftInsights = draft == null ? undefined : await GgufInsights.from(await readGgufInfo(draft, {headers, signal}), llama);
    const trainContextSize = insights.trainContextSize ?? 4096;
    const smallest = Math.min(minimumContextSize, trainContextSize);
    const gpuLayers = memory.vramBytes > 0 ? insights.totalLayers : 0;
    const kvCache = kvCacheContextOptions(kvCacheType, insights);

    const needs = async (contextSize: number, layers: number) => {
        const model = await insights.estimateModelResourceRequirementsV2({gpuLayers: layers});
        const context = await insights.estimateContextResourceRequirementsV2({
            contextSize,
            modelGpuLayers: layers,
            sequences: sequencesFor(parallel),
            flashAttention: kvCache.flashAttention ?? flashAttentionDefault,
            kvCacheKeyType: kvCache.experimentalKvCacheKeyType,
            kvCacheValueType: kvCache.experimentalKvCacheValueType
        });
        const drafting = draftInsights == null ? {cpuRam: 0, gpuVram: 0} : await draftNeeds(draftInsights, contextSize, layers > 0, parallel);
        return {ramBytes: model.cpuRam + context.cpuRam + drafting.cpuRam, vramBytes: model.gpuVram + context.gpuVram + drafting.gpuVram};
    };
    const onGpu = async (contextSize: number) => {
        const need = await needs(contextSize, gpuLayers);
        // On unified memory (Apple silicon) what the GPU holds comes out of the same RAM.
        const ramUsed = memory.unified ? need.ramBytes + need.vramBytes : need.ramBytes;
        return {need, fits: need.vramBytes <= memory.vramBytes && ramUsed <= memory.ramBytes};
    };
    // Split across both: the whole need must fit in what the two pools hold together.
    const pooled = async (contextSize: number) => {
        const need = await needs(contextSize, 0);
        const budget = memory.unified ? Math.max(memory.ramBytes, memory.vramBytes) : memory.ramBytes + memory.vramBytes;
        return {need, fits: need.ramBytes + need.vramBytes <= budget};
    };

    const candidates: Array<[FitVerdict, (contextSize: number) => ReturnType<typeof onGpu>]> = gpuLayers > 0
        ? [["gpu", onGpu], ["partial", pooled]]
        : [["cpu", pooled]];
    const drafted = draftInsights == null ? {} : {draftModelBytes: draftInsights.modelSize};
    for (const [verdict, check] of candidates) {
        const first = await check(smallest);
        if (!first.fits)
            continue;
        const contextSize = await largestFitting(smallest, trainContextSize, async (size) => (await check(size)).fits);
        const {need} = await check(contextSize);
        return {verdict, modelBytes: insights.modelSize, ...need, memory, contextSize, trainContextSize, parallel, kvCacheType, ...drafted};
    }
    const {need} = await pooled(smallest);
    return {verdict: "tooLarge", modelBytes: insights.modelSize, ...need, memory, contextSize: 0, trainContextSize, parallel, kvCacheType, ...drafted};
}

/**
 * A draft model's weights and its context, as `DraftModel` creates it: the target's context size
 * and sequences, an f16 cache, node-llama-cpp's defaults otherwise, on the GPU with the target.
 */
async function draftNeeds(insights: GgufInsights, contextSize: number, onGpu: boolean, parallel: number) {
    const gpuLayers = onGpu ? insights.totalLayers : 0;
    const model = await insights.estimateModelResourceRequirementsV2({gpuLayers});
    const context = await insights.estimateContextResourceRequirementsV2({contextSize, modelGpuLayers: gpuLayers, sequences: sequencesFor(parallel)});
    return {cpuRam: model.cpuRam + context.cpuRam, gpuVram: model.gpuVram + context.gpuVram};
}

/** Binary search for the largest size in [low, high] that fits, given that `low` fits. */
async function largestFitting(low: number, high: number, fits: (size: number) => Promise<boolean>) {
    if (await fits(high))
        return high;
    let good = low;
    let bad = high;
    while (bad - good > contextStep) {
        const middle = good + Math.max(1, Math.floor((bad - good) / 2 / contextStep)) * contextStep;
        if (await fits(middle))
            good = middle;
        else
            bad = middle;
    }
    return good;
}
