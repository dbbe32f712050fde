import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {LlamaRuntime, type LoadedModel} from "../../native/index.ts";
import {ensureFixtureModels} from "../fixtures/models/fixtureModels.ts";

// A long prompt evaluated a small batch at a time, so a stop has many points to land between.
const batchSize = 64;
let runtime: LlamaRuntime;
let model: LoadedModel;

beforeAll(async () => {
    const fixtures = await ensureFixtureModels();
    runtime = await LlamaRuntime.create({gpu: false});
    model = await runtime.loadModel(fixtures.endless, {threads: 1, contextSize: 4096, batchSize, parallel: 1});
});
afterAll(async () => {
    await model?.dispose();
    await runtime?.dispose();
});

const longQuestion = (seed: string) => Array.from({length: 300}, (_, index) => `${seed} ${index}`).join(" ");

describe("a reply stopped while its prompt is evaluated", () => {
    test("ends stopped without evaluating the rest of the prompt", async () => {
        const turns = [{role: "user" as const, text: longQuestion("alpha")}];
        const controller = new AbortController();
        const chunks: string[] = [];
        const stopped = model.generate({turns, sampling: {temperature: 0}, signal: controller.signal, onChunk: ({text}) => void chunks.push(text)});
        // The prompt's first batch is being evaluated on llama.cpp's thread by now.
        setImmediate(() => controller.abort());
        const result = await stopped;
        expect(result.stopReason).toBe("stopped");
        expect(chunks).toEqual([]);
        expect(result.promptTokens).toBeGreaterThan(batchSize * 10);

        // The same prompt again: only what was evaluated before the stop is there to reuse.
        const again = await model.generate({turns, sampling: {temperature: 0}, maxTokens: 4});
        expect(again.stopReason).toBe("length");
        expect(again.reusedPromptTokens).toBeLessThan(result.promptTokens / 2);
    });

    test("a reply not stopped evaluates the whole prompt and can be reused whole", async () => {
        const turns = [{role: "user" as const, text: longQuestion("beta")}];
        const first = await model.generate({turns, sampling: {temperature: 0}, maxTokens: 4});
        const again = await model.generate({turns, sampling: {temperature: 0}, maxTokens: 4});
        expect(again.reusedPromptTokens).toBe(first.promptTokens - 1);
    });
});
