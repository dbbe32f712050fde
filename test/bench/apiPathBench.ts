import OpenAI from "openai";
import {OpenAiApi} from "../../electron/server/openai/OpenAiApi.ts";
import {PonderServer} from "../../electron/server/PonderServer.ts";
import {median, round2, round3, streamTiming, type Measure, type RunTiming} from "./measure.ts";
import {openBenchCore} from "./support/openBenchCore.ts";

const generatedTokens = 160;
const rounds = 7;

/**
 * The OpenAI-compatible API's cost: the official client streaming from `/v1` (HTTP, SSE, JSON per
 * delta) against the same core generating in-process, on the same loaded model, greedy, with
 * rounds alternating so drifts in machine load hit both alike.
 */
export async function apiPathBench(): Promise<Measure[]> {
    const {core, dir, modelId, close} = await openBenchCore({contextSize: 2048});
    const apiKey = "bench";
    const server = new PonderServer(core, {rendererDir: dir, api: new OpenAiApi({models: core.models, apiKey: () => apiKey})});
    try {
        const client = new OpenAI({baseURL: `${new URL(await server.listen()).origin}/v1`, apiKey, maxRetries: 0});
        // Each run's prompt differs from the one before it right after the chat template's opening,
        // so both paths reuse the same evaluated prefix; the same prompt twice would hand the
        // second run its whole prompt already evaluated.
        const question = (word: string, round: number) => `${word} would you sort ${100 + round * 13} numbers by hand?`;
        const directPrompts = ["How", "Why", "When", "Where", "Which", "Could", "Should"].slice(0, rounds).map(question);
        const apiPrompts = ["What", "Who", "Whose", "Would", "Shall", "Can", "Must"].slice(0, rounds).map(question);

        const direct = async (prompt: string): Promise<RunTiming> => {
            const startedAt = performance.now();
            let firstAt = 0;
            let lastAt = 0;
            const result = await core.models.localModel!.generate({
                turns: [{role: "user", text: prompt}],
                maxTokens: generatedTokens,
                sampling: {temperature: 0},
                onChunk: () => {
                    lastAt = performance.now();
                    firstAt ||= lastAt;
                }
            });
            return timing(startedAt, firstAt, lastAt, result.reasoningTokens + result.answerTokens);
        };
        const viaApi = async (prompt: string): Promise<RunTiming> => {
            const startedAt = performance.now();
            let firstAt = 0;
            let lastAt = 0;
            let tokens = 0;
            const stream = await client.chat.completions.create({
                model: modelId, messages: [{role: "user", content: prompt}],
                max_tokens: generatedTokens, temperature: 0, stream: true, stream_options: {include_usage: true}
            });
            for await (const chunk of stream) {
                const delta = chunk.choices[0]?.delta as {content?: string | null; reasoning_content?: string} | undefined;
                if (delta?.content || delta?.reasoning_content) {
                    lastAt = performance.now();
                    firstAt ||= lastAt;
                }
                tokens = chunk.usage?.completion_tokens ?? tokens;
            }
            return timing(startedAt, firstAt, lastAt, tokens);
        };

        await direct("Warm up.");
        await viaApi("Warm up.");
        const directRuns: RunTiming[] = [];
        const apiRuns: RunTiming[] = [];
        for (let round = 0; round < rounds; round++) {
            directRuns.push(await direct(directPrompts[round]!));
            apiRuns.push(await viaApi(apiPrompts[round]!));
        }
        const pairedRatio = median(directRuns.map((run, round) => apiRuns[round]!.tokensPerSecond / run.tokensPerSecond));
        const directTtft = median(directRuns.map((run) => run.timeToFirstTokenMs));
        const apiTtft = median(apiRuns.map((run) => run.timeToFirstTokenMs));
        return [
            {measure: "api.direct_tokens_per_second", value: round2(median(directRuns.map((run) => run.tokensPerSecond))), unit: "tokens/s", target: null},
            {measure: "api.stream_tokens_per_second", value: round2(median(apiRuns.map((run) => run.tokensPerSecond))), unit: "tokens/s", target: null},
            {measure: "api.stream_to_direct_tokens_per_second_ratio", value: round3(pairedRatio), unit: "ratio", target: ">= 0.97"},
            {measure: "api.direct_time_to_first_token", value: round2(directTtft), unit: "ms", target: null},
            {measure: "api.stream_added_time_to_first_token", value: round2(apiTtft - directTtft), unit: "ms", target: "<= 30"}
        ];
    } finally {
        await server.close();
        await close();
    }
}

function timing(startedAt: number, firstAt: number, lastAt: number, tokens: number): RunTiming {
    if (tokens < generatedTokens)
        throw new Error(`A reply ended early, after ${tokens} tokens.`);
    return streamTiming(startedAt, firstAt, lastAt, tokens);
}

