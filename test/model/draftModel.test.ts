import {copyFileSync} from "node:fs";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {LlamaRuntime, readModelMetadata, type LoadedModel} from "../../native/index.ts";
import {PonderError} from "../../electron/contract/errors.ts";
import {ensureFixtureModels, ensureRecurrentHeaders, ensureTinyRandomModels, type FixtureModels} from "../fixtures/models/fixtureModels.ts";
import {chineseToken, englishRunnerUp, expectedTexts} from "../fixtures/models/scriptedModel.ts";
import {askInChat} from "./support/askInChat.ts";
import {useCoreWorkspace} from "./support/useCoreWorkspace.ts";

const workspace = useCoreWorkspace("ponder-draft-", {"qwq-tiny.gguf": "prefilled", "qwq-draft.gguf": "draftForPrefilled"});

let runtime: LlamaRuntime;
let fixtures: FixtureModels;
let tiny: {model: string};
let recurrent: {mamba: string; lfm2: string};

beforeAll(async () => {
    fixtures = await ensureFixtureModels();
    tiny = await ensureTinyRandomModels();
    recurrent = await ensureRecurrentHeaders();
    runtime = await LlamaRuntime.create({gpu: false});
});
afterAll(async () => {
    await runtime?.dispose();
});

async function answer(model: LoadedModel) {
    let text = "";
    const result = await model.generate({turns: [{role: "user", text: "Hi there!"}], sampling: {temperature: 0}, onChunk: (chunk) => void (text += chunk.text)});
    return {text, result};
}

describe("speculative decoding with a draft model", () => {
    test("greedy output is the model's own with a draft that always agrees (the same model), and whole drafts of several tokens are accepted at once", async () => {
        const draftModelPath = () => fixtures.prefilled;
        const alone = await runtime.loadModel(fixtures.prefilled, {threads: 1, contextSize: 1024, parallel: 0});
        const expected = await answer(alone);
        await alone.dispose();
        expect(expected.text).toBe(expectedTexts.reasoning + expectedTexts.answer);
        expect(expected.result.draft).toBeUndefined();

        const drafted = await runtime.loadModel(fixtures.prefilled, {threads: 1, contextSize: 1024, parallel: 0, draftModelPath: draftModelPath()});
        try {
            const {text, result} = await answer(drafted);
            expect(text).toBe(expected.text);
            // A draft that is the model itself is right every time: every token it offered was
            // accepted, whole drafts of several tokens a batch. With one accepted token a batch (node-llama-cpp
            // 3.21.1 without scripts/patchNodeLlamaCpp.mjs), at most every other token of the reply could be.
            const replyTokens = result.reasoningTokens + result.answerTokens;
            expect(result.draft!.accepted).toBe(result.draft!.drafted);
            expect(result.draft!.accepted).toBeGreaterThan(replyTokens * 0.7);
        } finally {
            await drafted.dispose();
        }
    });

    test("a draft that guesses wrong after every third token leaves the output as it is, and its acceptance says so", async () => {
        const drafted = await runtime.loadModel(fixtures.prefilled, {threads: 1, contextSize: 1024, parallel: 0, draftModelPath: fixtures.draftForPrefilled});
        try {
            const {text, result} = await answer(drafted);
            expect(text).toBe(expectedTexts.reasoning + expectedTexts.answer);
            const {accepted, drafted: offered} = result.draft!;
            expect(accepted).toBeGreaterThan(0);
            expect(accepted / offered).toBeGreaterThan(0.4);
            expect(accepted / offered).toBeLessThan(0.9);
        } finally {
            await drafted.dispose();
        }
    });

    test("sampling keeps the model's distribution with a draft: a token and its runner-up come in the same shares", async () => {
        // At temperature 5 among the two likeliest tokens, the reasoning's 17th token is the
        // scripted one about 88 % of the time and its runner-up the rest (logits 10 apart). The
        // draft ends the reply after every third token, which the model never does: drafts taken
        // on trust would end replies early. Fixed seeds keep the test repeatable.
        const samples = 200;
        const sampling = {temperature: 5, topK: 2, topP: 1, minP: 0};
        const shares = async (model: LoadedModel, firstSeed: number) => {
            const counts = {scripted: 0, runnerUp: 0, neither: 0};
            const draft = {accepted: 0, drafted: 0};
            for (let seed = firstSeed; seed < firstSeed + samples; seed++) {
                let text = "";
                const result = await model.generate({turns: [{role: "user", text: "Hi there!"}], sampling: {...sampling, seed}, maxTokens: 18, onChunk: (chunk) => void (text += chunk.text)});
                counts[text.includes(chineseToken) ? "scripted" : text.includes(englishRunnerUp) ? "runnerUp" : "neither"]++;
                draft.accepted += result.draft?.accepted ?? 0;
                draft.drafted += result.draft?.drafted ?? 0;
            }
            return {counts, draft};
        };
        const alone = await runtime.loadModel(fixtures.prefilled, {threads: 1, contextSize: 256, parallel: 0});
        const withoutDraft = await shares(alone, 1).finally(() => alone.dispose());
        const drafted = await runtime.loadModel(fixtures.prefilled, {threads: 1, contextSize: 256, parallel: 0, draftModelPath: fixtures.draftForPrefilled});
        const withDraft = await shares(drafted, 1 + samples).finally(() => drafted.dispose());

        // The draft was used, and the model refuted some of its tokens.
        expect(withDraft.draft.accepted).toBeGreaterThan(samples * 5);
        expect(withDraft.draft.accepted).toBeLessThan(withDraft.draft.drafted);
        // The runner-up is common enough for a difference to show.
        expect(withoutDraft.counts.runnerUp).toBeGreaterThan(samples * 0.05);
        // Pearson's chi-square on the 2 × 3 table; 13.82 is its 0.1 % critical value at 2 degrees of freedom.
        expect(chiSquare([withoutDraft.counts, withDraft.counts])).toBeLessThan(13.82);
    });

    test("prompt lookup leaves greedy output as it is, and drafts what the reply quotes from the conversation", async () => {
        const quoting = {turns: [{role: "user" as const, text: `Say it again: ${expectedTexts.reasoning} ${expectedTexts.answer}`}], sampling: {temperature: 0}};
        const alone = await runtime.loadModel(fixtures.prefilled, {threads: 1, contextSize: 1024, parallel: 0});
        let expected = "";
        await alone.generate({...quoting, onChunk: (chunk) => void (expected += chunk.text)}).finally(() => alone.dispose());

        const lookup = await runtime.loadModel(fixtures.prefilled, {threads: 1, contextSize: 1024, parallel: 0, promptLookup: true});
        try {
            let text = "";
            const result = await lookup.generate({...quoting, onChunk: (chunk) => void (text += chunk.text)});
            expect(text).toBe(expected);
            expect(text).toBe(expectedTexts.reasoning + expectedTexts.answer);
            // The reply is the quoted text: most of it was drafted from the prompt and accepted.
            expect(result.draft!.accepted).toBeGreaterThan((result.reasoningTokens + result.answerTokens) / 2);
        } finally {
            await lookup.dispose();
        }
    });

    test("the fit estimate counts the draft's weights and its context", async () => {
        const alone = await runtime.estimateFit(fixtures.prefilled, {parallel: 0});
        const drafted = await runtime.estimateFit(fixtures.prefilled, {parallel: 0, draft: fixtures.draftForPrefilled});
        expect(alone.draftModelBytes).toBeUndefined();
        expect(drafted.contextSize).toBe(alone.contextSize);
        expect(drafted.draftModelBytes).toBeGreaterThan(100_000);
        // More than the weights: the draft's KV cache for the same context comes on top.
        expect(drafted.ramBytes - alone.ramBytes).toBeGreaterThan(drafted.draftModelBytes!);
    });

    test("a draft whose vocabulary differs is refused in words, and nothing stays loaded", async () => {
        const failure = await runtime.loadModel(fixtures.prefilled, {threads: 1, contextSize: 1024, parallel: 0, draftModelPath: tiny.model}).then(() => undefined, (error: unknown) => error);
        expect(failure).toBeInstanceOf(PonderError);
        expect((failure as PonderError).code).toBe("model.draftVocabularyMismatch");
        expect((failure as PonderError).message).toMatch(/^The draft model random-tiny\.[0-9a-f]+\.gguf can't draft for scripted-prefilled-think\.[0-9a-f]+\.gguf: their vocabularies differ/);
    });

    test("a recurrent (Mamba) or hybrid (LFM2) model is refused a draft model and prompt lookup by its header, before llama.cpp reads its tensors (node-llama-cpp#652)", async () => {
        expect((await readModelMetadata(recurrent.mamba)).recurrent).toBe(true);
        expect((await readModelMetadata(recurrent.lfm2)).recurrent).toBe(true);
        expect((await readModelMetadata(fixtures.prefilled)).recurrent).toBe(false);
        for (const [modelPath, drafting] of [[recurrent.lfm2, {promptLookup: true}], [recurrent.mamba, {draftModelPath: fixtures.draftForPrefilled}]] as const) {
            // The headers have no tensors: only a refusal before the load can fail in words here.
            const failure = await runtime.loadModel(modelPath, {threads: 1, contextSize: 1024, parallel: 0, ...drafting}).then(() => undefined, (error: unknown) => error);
            expect(failure).toBeInstanceOf(PonderError);
            expect((failure as PonderError).code).toBe("model.draftOnRecurrent");
            expect((failure as PonderError).params).toEqual({model: path.basename(modelPath)});
        }
    });
});

describe("the draft model load option", () => {
    test("a library model chosen as draft loads beside the model, the fit counts it, and each reply keeps its acceptance", async () => {
        const core = await workspace.openCore();
        await core.handlers["settings.update"]({modelId: "qwq-tiny.gguf", values: {draftModelId: "qwq-draft.gguf"}});
        const state = await core.handlers["models.load"]({modelId: "qwq-tiny.gguf"});
        expect(state).toMatchObject({status: "ready", loadedWith: {draftModelId: "qwq-draft.gguf"}});

        const {id: chatId} = await core.handlers["chats.create"](undefined);
        const reply = await askInChat(core, chatId, "Hi");
        expect(reply.text).toBe(expectedTexts.answer);
        const {accepted, drafted} = reply.stats!.draft!;
        expect(accepted).toBeGreaterThan(0);
        expect(accepted).toBeLessThan(drafted);
        const stored = (await core.handlers["chats.get"]({chatId})).messages.at(-1)!;
        expect(stored.stats!.draft).toEqual({accepted, drafted});

        const withDraft = await core.handlers["models.estimateFit"]({modelId: "qwq-tiny.gguf"});
        const without = await core.handlers["models.estimateFit"]({modelId: "qwq-tiny.gguf", draftModelId: null});
        expect(withDraft.draftModelBytes).toBeGreaterThan(0);
        expect(without.draftModelBytes).toBeUndefined();
        expect(withDraft.ramBytes).toBeGreaterThan(without.ramBytes + withDraft.draftModelBytes!);
    });

    test("prompt lookup chosen as the load option drafts a reply that quotes the conversation, also in a chat resumed from the state saved at a reload, and the reply keeps its acceptance; turned off, nothing is drafted", async () => {
        const core = await workspace.openCore();
        await core.handlers["settings.update"]({modelId: "qwq-tiny.gguf", values: {promptLookup: true}});
        expect(await core.handlers["models.load"]({modelId: "qwq-tiny.gguf"})).toMatchObject({status: "ready", loadedWith: {promptLookup: true, draftModelId: null}});

        const {id: chatId} = await core.handlers["chats.create"](undefined);
        const quoting = `Say it again: ${expectedTexts.reasoning} ${expectedTexts.answer}`;
        await askInChat(core, chatId, quoting);
        // Loaded again, the chat resumes from the state saved at the unload, which drafting left
        // holding tokens drafted but not yet checked.
        await core.handlers["models.load"]({modelId: "qwq-tiny.gguf"});
        const reply = await askInChat(core, chatId, quoting);
        expect(reply).toMatchObject({status: "done", error: null, text: expectedTexts.answer});
        // The reply is the quoted text: most of it was drafted from the prompt and accepted.
        const {accepted, drafted} = reply.stats!.draft!;
        expect(accepted).toBeGreaterThan((reply.stats!.reasoningTokens + reply.stats!.answerTokens) / 2);
        expect(accepted).toBeLessThanOrEqual(drafted);
        expect((await core.handlers["chats.get"]({chatId})).messages.at(-1)!.stats!.draft).toEqual({accepted, drafted});

        await core.handlers["settings.update"]({modelId: "qwq-tiny.gguf", values: {promptLookup: false}});
        expect(await core.handlers["models.load"]({modelId: "qwq-tiny.gguf"})).toMatchObject({status: "ready", loadedWith: {promptLookup: false}});
        const {id: otherChatId} = await core.handlers["chats.create"](undefined);
        expect((await askInChat(core, otherChatId, quoting)).stats!.draft).toBeUndefined();
    });

    test("a draft of another vocabulary leaves the model unloaded with model.draftVocabularyMismatch, and a deleted one with model.draftGone", async () => {
        copyFileSync(tiny.model, path.join(workspace.dir, "models", "random-tiny.gguf"));
        const core = await workspace.openCore();
        await core.handlers["settings.update"]({modelId: "qwq-tiny.gguf", values: {draftModelId: "random-tiny.gguf"}});
        const refused = await core.handlers["models.load"]({modelId: "qwq-tiny.gguf"});
        expect(refused).toMatchObject({status: "error", error: {code: "model.draftVocabularyMismatch", params: {draft: "random-tiny.gguf", model: "qwq-tiny.gguf"}}});

        await core.handlers["settings.update"]({modelId: "qwq-tiny.gguf", values: {draftModelId: "gone.gguf"}});
        expect(await core.handlers["models.load"]({modelId: "qwq-tiny.gguf"})).toMatchObject({status: "error", error: {code: "model.draftGone", params: {draft: "gone.gguf"}}});

        await core.handlers["settings.update"]({modelId: "qwq-tiny.gguf", values: {draftModelId: null}});
        expect(await core.handlers["models.load"]({modelId: "qwq-tiny.gguf"})).toMatchObject({status: "ready", loadedWith: {draftModelId: null}});
    });

    test("a hybrid model in the library is refused prompt lookup and a draft model when they are chosen, and at its load when they were chosen before its file came", async () => {
        const core = await workspace.openCore();
        // Chosen while no such file is in the library (as before this check existed): taken.
        await core.handlers["settings.update"]({modelId: "lfm2-tiny.gguf", values: {promptLookup: true}});
        copyFileSync(recurrent.lfm2, path.join(workspace.dir, "models", "lfm2-tiny.gguf"));
        const files = await core.handlers["models.list"](undefined);
        expect(files.find((file) => file.id === "lfm2-tiny.gguf")?.metadata).toMatchObject({architecture: "lfm2", recurrent: true});
        expect(files.find((file) => file.id === "qwq-tiny.gguf")?.metadata).toMatchObject({recurrent: false});

        expect(await core.handlers["models.load"]({modelId: "lfm2-tiny.gguf"})).toMatchObject({status: "error", error: {code: "model.draftOnRecurrent", params: {model: "lfm2-tiny.gguf"}}});
        for (const values of [{promptLookup: true}, {draftModelId: "qwq-draft.gguf"}])
            await expect(core.handlers["settings.update"]({modelId: "lfm2-tiny.gguf", values})).rejects.toMatchObject({code: "model.draftOnRecurrent", params: {model: "lfm2-tiny.gguf"}});
        // None is still taken, and the other settings are.
        const view = await core.handlers["settings.update"]({modelId: "lfm2-tiny.gguf", values: {promptLookup: false, draftModelId: null, temperature: 0.3}});
        expect(view.effective).toMatchObject({promptLookup: false, draftModelId: null, temperature: 0.3});
    });
});

/** Pearson's chi-square statistic of a contingency table whose rows are count records with the same keys. */
function chiSquare(rows: Array<Record<string, number>>): number {
    const columns = Object.keys(rows[0]!);
    const rowTotals = rows.map((row) => columns.reduce((sum, column) => sum + row[column]!, 0));
    const total = rowTotals.reduce((sum, value) => sum + value, 0);
    let statistic = 0;
    for (const column of columns) {
        const columnTotal = rows.reduce((sum, row) => sum + row[column]!, 0);
        rows.forEach((row, index) => {
            const expected = rowTotals[index]! * columnTotal / total;
            if (expected > 0)
                statistic += (row[column]! - expected) ** 2 / expected;
        });
    }
    return statistic;
}
