import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {LlamaRuntime, type LoadedModel, type SegmentChunk} from "../../native/index.ts";
import {ensureFixtureModels, type FixtureModels} from "../fixtures/models/fixtureModels.ts";
import {chineseToken, expectedTexts} from "../fixtures/models/scriptedModel.ts";
import {PonderError} from "../../electron/contract/errors.ts";

let runtime: LlamaRuntime;
let fixtures: FixtureModels;
const loaded = new Map<string, LoadedModel>();

beforeAll(async () => {
    fixtures = await ensureFixtureModels();
    runtime = await LlamaRuntime.create({gpu: false});
});
afterAll(async () => {
    for (const model of loaded.values())
        await model.dispose();
    await runtime?.dispose();
});

async function load(path: string) {
    let model = loaded.get(path);
    if (model == null) {
        model = await runtime.loadModel(path, {threads: 1, contextSize: 1024});
        loaded.set(path, model);
    }
    return model;
}

function collect() {
    const chunks: SegmentChunk[] = [];
    const text = (segment: SegmentChunk["segment"]) => chunks.filter((chunk) => chunk.segment === segment).map((chunk) => chunk.text).join("");
    return {chunks, onChunk: (chunk: SegmentChunk) => void chunks.push(chunk), reasoning: () => text("reasoning"), answer: () => text("answer")};
}

const greedy = {temperature: 0};

describe("generateReply on real llama.cpp", () => {
    test.each([
        ["a template that prefills <think> (QwQ-32B)", "prefilled"],
        ["a model that writes <think> itself (R1 distills, Qwen3)", "writesThink"]
    ] as const)("%s: reasoning and answer are split, no tag leaks", async (_name, variant) => {
        const model = await load(fixtures[variant]);
        expect(model.thinks).toBe(true);
        expect(model.format.reasoningPrefill != null).toBe(variant === "prefilled");

        const out = collect();
        const result = await model.generate({turns: [{role: "user", text: "Hi there!"}], sampling: greedy, onChunk: out.onChunk});

        expect(out.reasoning()).toBe(expectedTexts.reasoning);
        expect(out.answer()).toBe(expectedTexts.answer);
        expect(out.answer()).not.toMatch(/<\/?think>|^\s/);
        expect(result).toMatchObject({stopReason: "finished", reasoningCutByBudget: false, answerTokens: 10});
        expect(result.reasoningTokens).toBeGreaterThan(20);
        // Reasoning streams first, then the answer: never interleaved.
        expect(out.chunks.map((chunk) => chunk.segment)).toEqual([...new Set(out.chunks.map((chunk) => chunk.segment))].flatMap(
            (segment) => out.chunks.filter((chunk) => chunk.segment === segment).map(() => segment)));
    });

    test("a second turn reuses the evaluated conversation and answers again", async () => {
        const model = await load(fixtures.prefilled);
        const first = collect();
        const firstResult = await model.generate({turns: [{role: "user", text: "Hello"}], sampling: greedy, onChunk: first.onChunk});
        const second = collect();
        const secondResult = await model.generate({
            turns: [
                {role: "user", text: "Hello"},
                {role: "assistant", text: first.answer(), reasoning: first.reasoning()},
                {role: "user", text: "And again?"}
            ],
            sampling: greedy,
            onChunk: second.onChunk
        });
        expect(second.reasoning()).toBe(expectedTexts.reasoning);
        expect(second.answer()).toBe(expectedTexts.answer);
        expect(secondResult.promptTokens).toBeGreaterThan(firstResult.promptTokens);
        // The first exchange is still evaluated up to where QwQ's template drops the old reasoning.
        expect(secondResult.reusedPromptTokens).toBeGreaterThan(firstResult.promptTokens / 2);
    });

    test("stop mid-reasoning ends at once and keeps what was generated", async () => {
        const model = await load(fixtures.endless);
        const controller = new AbortController();
        const out = collect();
        let tokensSeen = 0;
        const result = await model.generate({
            turns: [{role: "user", text: "Think forever"}],
            sampling: greedy,
            signal: controller.signal,
            onChunk: (chunk) => {
                out.onChunk(chunk);
                if (++tokensSeen === 60)
                    controller.abort();
            }
        });
        expect(result.stopReason).toBe("stopped");
        expect(result.reasoningTokens).toBeGreaterThanOrEqual(60);
        expect(result.reasoningTokens).toBeLessThanOrEqual(62);
        expect(out.reasoning()).toContain(expectedTexts.loop.trim());
        expect(out.answer()).toBe("");
    });

    test("the reasoning budget closes the reasoning and the model answers", async () => {
        const model = await load(fixtures.endless);
        const out = collect();
        const result = await model.generate({turns: [{role: "user", text: "Think forever"}], sampling: greedy, reasoningBudget: 40, onChunk: out.onChunk});
        expect(result.reasoningCutByBudget).toBe(true);
        expect(result.reasoningTokens).toBeLessThanOrEqual(40);
        expect(result.stopReason).toBe("finished");
        expect(out.answer()).toBe(expectedTexts.answer);
    });

    test("max tokens ends the reply with stop reason length", async () => {
        const model = await load(fixtures.endless);
        const result = await model.generate({turns: [{role: "user", text: "Think forever"}], sampling: greedy, maxTokens: 25});
        expect(result).toMatchObject({stopReason: "length", reasoningTokens: 25, answerTokens: 0});
    });

    test("a token bias over the vocabulary steers the reasoning (the runner-up is written instead)", async () => {
        const model = await load(fixtures.prefilled);
        const bias = new Map([[chineseToken, "never" as const]]);
        const out = collect();
        await model.generate({turns: [{role: "user", text: "Hi"}], sampling: greedy, tokenBias: bias, onChunk: out.onChunk});
        expect(out.reasoning()).toBe(expectedTexts.reasoningWithoutChinese);
    });
});

describe("loading bad files", () => {
    test.each([
        ["not a GGUF", "notGguf", /not a GGUF model file/],
        ["truncated", "truncated", /truncated/]
    ] as const)("%s: a clear error, and the runtime keeps working", async (_name, fixture, message) => {
        const attempt = runtime.loadModel(fixtures[fixture], {threads: 1});
        await expect(attempt).rejects.toBeInstanceOf(PonderError);
        await expect(runtime.loadModel(fixtures[fixture], {threads: 1})).rejects.toThrow(message);
        const model = await load(fixtures.prefilled);
        const result = await model.generate({turns: [{role: "user", text: "Still there?"}], sampling: greedy});
        expect(result.stopReason).toBe("finished");
    });
});
