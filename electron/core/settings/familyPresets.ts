import type {GenerationSettings, ModelFamily} from "../../contract.ts";

/**
 * llama.cpp's own sampling defaults, for models whose family publishes no recommendation. Load
 * options are `null` (automatic: the context that fits, GPU layers by llama.cpp, all math cores).
 */
const genericPreset: GenerationSettings = {
    temperature: 0.8,
    topP: 0.95,
    topK: 40,
    minP: 0.05,
    repeatPenalty: 1,
    presencePenalty: 0,
    seed: null,
    maxTokens: null,
    reasoningBudget: null,
    languageLock: "off",
    contextOverflow: "stop",
    useTools: true,
    contextSize: null,
    gpuLayers: null,
    threads: null,
    batchSize: null,
    parallelReplies: null,
    kvCacheType: "f16",
    draftModelId: null,
    promptLookup: false
};

/**
 * The families' published recommendations, and only those (everything else is generic):
 * - QwQ-32B's model card: temperature 0.6, top-p 0.95, top-k 40 (20–40), min-p 0; a presence
 *   penalty between 0 and 2 may curb endless repetition (left at 0, the user can raise it);
 * - DeepSeek-R1 distills' card: temperature 0.6 (0.5–0.7), top-p 0.95;
 * - Qwen3's card, thinking mode: temperature 0.6, top-p 0.95, top-k 20, min-p 0.
 */
const presets: Record<ModelFamily, GenerationSettings> = {
    qwq: {...genericPreset, temperature: 0.6, topP: 0.95, topK: 40, minP: 0},
    deepseekR1Distill: {...genericPreset, temperature: 0.6, topP: 0.95},
    qwen3: {...genericPreset, temperature: 0.6, topP: 0.95, topK: 20, minP: 0},
    other: genericPreset
};

export function presetFor(family: ModelFamily): GenerationSettings {
    return presets[family];
}

/** The family a model belongs to, from its GGUF name and its file name (either may be all there is). */
export function modelFamilyOf(...names: ReadonlyArray<string | undefined>): ModelFamily {
    const text = names.filter((name) => name != null).join(" ").toLowerCase();
    if (/qwq/.test(text))
        return "qwq";
    // "DeepSeek-R1-Distill-Qwen-32B" names Qwen too, so it's checked before Qwen3.
    if (/deepseek[-_ ]?r1.*distill|r1[-_ ]distill/.test(text))
        return "deepseekR1Distill";
    if (/qwen[-_ ]?3/.test(text))
        return "qwen3";
    return "other";
}
