import {readdirSync} from "node:fs";
import {getLlama, type Llama} from "node-llama-cpp";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {ensureFixtureModels, type FixtureModels} from "../fixtures/models/fixtureModels.ts";

/*
 * scripts/nodeLlamaCppAddon/rebuildAddons.mjs (run by postinstall) rebuilds node-llama-cpp's
 * CPU addon so each context keeps one ggml threadpool. The prebuilt addon has none, and ggml then
 * creates and joins its worker threads inside every decode, so between two tokens they are gone.
 */

const threadsNow = () => readdirSync("/proc/self/task").length;

let llama: Llama;
let fixtures: FixtureModels;
beforeAll(async () => {
    fixtures = await ensureFixtureModels();
    llama = await getLlama({gpu: false, build: "never"});
});
afterAll(async () => {
    await llama?.dispose();
});

describe.skipIf(process.platform !== "linux")("node-llama-cpp's CPU addon as Ponder installs it (Linux only: /proc, and the only platform it is rebuilt on)", () => {
    test("keeps a context's ggml worker threads alive between tokens, and ends them with the context", async () => {
        const model = await llama.loadModel({modelPath: fixtures.prefilled});
        try {
            const threads = 3;
            const context = await model.createContext({contextSize: 512, threads});
            const beforeDecoding = threadsNow();
            const betweenTokens: number[] = [];
            const sequence = context.getSequence();
            for await (const token of sequence.evaluate(model.tokenize("Hi there!"), {temperature: 0})) {
                void token;
                betweenTokens.push(threadsNow());
                if (betweenTokens.length === 8)
                    break;
            }
            // The decoding thread is one of the pool's threads; the others wait for the next graph.
            expect(betweenTokens).toEqual(betweenTokens.map(() => beforeDecoding + threads - 1));
            await context.dispose();
            expect(threadsNow()).toBe(beforeDecoding);
        } finally {
            await model.dispose();
        }
    });
});
