import {availableParallelism} from "node:os";
import {getLlama} from "node-llama-cpp";
import {estimateModelFit} from "../../native/fit/estimateModelFit.ts";
import {LlamaRuntime, type KvCacheType, type LoadedModel} from "../../native/index.ts";
import {referenceM3} from "../fixtures/machines/referenceMachines.ts";
import {ensureBenchModel, ensureQwq32bHeader} from "../fixtures/models/fixtureModels.ts";
import {median, round2, round3, type Measure} from "./measure.ts";

const rounds = 3;
const generatedTokens = 64;
/** Long enough that attention over the cache is part of every decoded token's cost. */
const promptWords = 400;

/**
 * Decode speed with a q8_0 KV cache against f16, the same random Qwen2.5-0.5B-shaped model,
 * threads and prompt, greedy, rounds alternating; and the largest context QwQ-32B (Q4_K) fits
 * on the reference M3 with each cache type, from the fit estimate the app uses.
 */
export async function kvCacheBench(): Promise<Measure[]> {
    const modelPath = await ensureBenchModel();
    const runtime = await LlamaRuntime.create({gpu: false});
    const threads = availableParallelism();
    const models = new Map<KvCacheType, LoadedModel>();
    const speeds = new Map<KvCacheType, number[]>([["f16", []], ["q8_0", []]]);
    try {
        for (const kvCacheType of speeds.keys())
            models.set(kvCacheType, await runtime.loadModel(modelPath, {threads, contextSize: 4096, kvCacheType}));
        const prompt = (round: number) => Array.from({length: promptWords}, (_, index) => `w${(index * 7 + round) % 97}`).join(" ");
        for (let round = -1; round < rounds; round++)
            for (const [kvCacheType, model] of models) {
                const tokensPerSecond = await decodeSpeed(model, prompt(round));
                // Round -1 warms each model up and isn't counted.
                if (round >= 0)
                    speeds.get(kvCacheType)!.push(tokensPerSecond);
            }
    } finally {
        for (const model of models.values())
            await model.dispose();
        await runtime.dispose();
    }
    const f16 = speeds.get("f16")!;
    const q8 = speeds.get("q8_0")!;
    const pairedRatio = median(q8.map((speed, round) => speed / f16[round]!));

    const llama = await getLlama({gpu: false, build: "never"});
    const header = await ensureQwq32bHeader();
    const [f16Fit, q8Fit, q4Fit] = await Promise.all((["f16", "q8_0", "q4_0"] as const).map((kvCacheType) => estimateModelFit(llama, header, referenceM3, {kvCacheType})));
    await llama.dispose();
    return [
        {measure: "kv_cache.f16_tokens_per_second", value: round2(median(f16)), unit: "tokens/s", target: null},
        {measure: "kv_cache.q8_0_tokens_per_second", value: round2(median(q8)), unit: "tokens/s", target: null},
        {measure: "kv_cache.q8_0_to_f16_tokens_per_second_ratio", value: round3(pairedRatio), unit: "ratio", target: ">= 0.9"},
        {measure: "kv_cache.m3_qwq32b_f16_context", value: f16Fit!.contextSize, unit: "tokens", target: null},
        {measure: "kv_cache.m3_qwq32b_q8_0_context", value: q8Fit!.contextSize, unit: "tokens", target: null},
        {measure: "kv_cache.m3_qwq32b_q4_0_context", value: q4Fit!.contextSize, unit: "tokens", target: null},
        {measure: "kv_cache.m3_q8_0_to_f16_context_ratio", value: round3(q8Fit!.contextSize / f16Fit!.contextSize), unit: "ratio", target: ">= 1.9"}
    ];
}

/** Tokens per second of a reply after a long prompt, from the first generated token to the last. */
async function decodeSpeed(model: LoadedModel, prompt: string): Promise<number> {
    const times: number[] = [];
    await model.generate({
        turns: [{role: "user", text: prompt}],
        sampling: {temperature: 0},
        maxTokens: generatedTokens,
        onContextTokens: () => void times.push(performance.now())
    });
    return (times.length - 1) / ((times.at(-1)! - times[0]!) / 1000);
}
