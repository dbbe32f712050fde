import path from "node:path";
import {getLlama, type Llama} from "node-llama-cpp";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {estimateModelFit} from "../../native/fit/estimateModelFit.ts";
import {kvCacheTypes, LlamaRuntime} from "../../native/index.ts";
import {referenceM3} from "../fixtures/machines/referenceMachines.ts";
import {ensureQwq32bHeader} from "../fixtures/models/fixtureModels.ts";
import {expectedTexts, writeScriptedModel} from "../fixtures/models/scriptedModel.ts";
import {askInChat} from "./support/askInChat.ts";
import {useCoreWorkspace} from "./support/useCoreWorkspace.ts";

const workspace = useCoreWorkspace("ponder-kv-cache-", {"qwq-tiny.gguf": "prefilled"});

let runtime: LlamaRuntime;
let llama: Llama;
beforeAll(async () => {
    runtime = await LlamaRuntime.create({gpu: false});
    llama = await getLlama({gpu: false, build: "never"});
});
afterAll(async () => {
    await runtime?.dispose();
    await llama?.dispose();
});

describe("the KV cache type", () => {
    // A quantized V cache can't be created without flash attention: loading at all proves it is on.
    test.each(kvCacheTypes)("%s: the model loads and generates its script", async (kvCacheType) => {
        const model = await runtime.loadModel(workspace.fixtures.prefilled, {threads: 1, contextSize: 1024, kvCacheType});
        try {
            const chunks: string[] = [];
            const result = await model.generate({turns: [{role: "user", text: "Hi there!"}], sampling: {temperature: 0}, onChunk: (chunk) => void chunks.push(chunk.text)});
            expect(result.stopReason).toBe("finished");
            expect(chunks.join("")).toBe(expectedTexts.reasoning + expectedTexts.answer);
        } finally {
            await model.dispose();
        }
    });

    test("a model whose attention heads don't fill whole blocks is refused a quantized cache, in words, and loads with f16", async () => {
        const narrowHeads = path.join(workspace.dir, "narrow-heads.gguf");
        await writeScriptedModel(narrowHeads, {variant: "prefilled-think", attention: {blockCount: 2, headCount: 4, headCountKv: 2}});
        await expect(runtime.loadModel(narrowHeads, {threads: 1, contextSize: 512, kvCacheType: "q8_0"}))
            .rejects.toThrow("This model can't use a q8_0 KV cache: its attention heads hold 16 values, not a multiple of the 32 a quantized cache stores together. Choose f16.");
        await (await runtime.loadModel(narrowHeads, {threads: 1, contextSize: 512})).dispose();
    });

    test("on the reference M3, QwQ-32B Q4_K holds about twice the context with q8_0, and more with q4_0", async () => {
        const header = await ensureQwq32bHeader();
        const [f16, q8, q4] = await Promise.all(kvCacheTypes.map((kvCacheType) => estimateModelFit(llama, header, referenceM3, {kvCacheType})));
        for (const fit of [f16!, q8!, q4!]) {
            expect(fit.verdict).toBe("gpu");
            // Unified memory: the GPU's share comes out of the same RAM.
            expect(fit.ramBytes + fit.vramBytes).toBeLessThanOrEqual(referenceM3.ramBytes);
        }
        // 256 KiB of f16 cache per token: some 50k tokens beside ~17 GiB of weights, shared by the
        // parallel replies' sequences and the one kept for desktop chats.
        const f16Tokens = f16!.contextSize * (f16!.parallel + 1);
        expect(f16Tokens).toBeGreaterThan(40_000);
        expect(f16Tokens).toBeLessThan(70_000);
        // q8_0 stores 32 values in 34 bytes where f16 takes 64: at most 64/34 ≈ 1.88 times the tokens.
        expect(q8!.contextSize / f16!.contextSize).toBeGreaterThan(1.8);
        expect(q8!.contextSize / f16!.contextSize).toBeLessThanOrEqual(64 / 34 + 0.01);
        expect(q4!.contextSize).toBeGreaterThan(q8!.contextSize);
        expect([f16!.kvCacheType, q8!.kvCacheType, q4!.kvCacheType]).toEqual([...kvCacheTypes]);
    });

    test("the load setting reaches the model, Will it fit counts it, and it belongs to the model, not to a chat", async () => {
        const core = await workspace.openCore();
        await core.handlers["settings.update"]({modelId: "qwq-tiny.gguf", values: {kvCacheType: "q8_0"}});
        const state = await core.handlers["models.load"]({modelId: "qwq-tiny.gguf"});
        expect(state).toMatchObject({status: "ready", loadedWith: {kvCacheType: "q8_0"}});

        const {id: chatId} = await core.handlers["chats.create"](undefined);
        expect((await askInChat(core, chatId, "Hi")).text).toBe(expectedTexts.answer);

        const fit = await core.handlers["models.estimateFit"]({modelId: "qwq-tiny.gguf"});
        const f16Fit = await core.handlers["models.estimateFit"]({modelId: "qwq-tiny.gguf", kvCacheType: "f16"});
        expect([fit.kvCacheType, f16Fit.kvCacheType]).toEqual(["q8_0", "f16"]);
        expect(fit.ramBytes).toBeLessThan(f16Fit.ramBytes);

        await expect(core.handlers["settings.update"]({modelId: "qwq-tiny.gguf", chatId, values: {kvCacheType: "q4_0"}}))
            .rejects.toThrow("belong to the model, not to one chat");
    });
});
