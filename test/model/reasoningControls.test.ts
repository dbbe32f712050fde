import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {LlamaRuntime, type LoadedModel, type SegmentChunk} from "../../native/index.ts";
import {ensureFixtureModels, type FixtureModels} from "../fixtures/models/fixtureModels.ts";
import {qwenSpecialTokens} from "../fixtures/models/qwen2Gguf.ts";
import {chineseToken, englishRunnerUp, expectedTexts, writeScriptedModel} from "../fixtures/models/scriptedModel.ts";

let runtime: LlamaRuntime;
let fixtures: FixtureModels;
let dir: string;
/** Reasoning in Chinese whose one English word has a Chinese runner-up: the mirror of the default script. */
let chineseThinker: string;
const loaded: LoadedModel[] = [];

const chineseReasoning = ["好", "的", "，", englishRunnerUp, "就", "这样"];
const chineseAnswer = "完成";

beforeAll(async () => {
    fixtures = await ensureFixtureModels();
    dir = mkdtempSync(path.join(tmpdir(), "ponder-controls-"));
    chineseThinker = path.join(dir, "chinese-thinker.gguf");
    await writeScriptedModel(chineseThinker, {
        variant: "prefilled-think",
        script: {
            paths: [
                {
                    after: "\n",
                    steps: [
                        ...chineseReasoning.map((token) => token === englishRunnerUp ? {token, runnerUp: chineseToken} : {token}),
                        {token: "。\n"},
                        {token: qwenSpecialTokens.thinkEnd}
                    ]
                },
                {after: qwenSpecialTokens.thinkEnd, steps: [{token: "\n\n"}, {token: chineseAnswer}, {token: qwenSpecialTokens.imEnd}]}
            ]
        }
    });
    runtime = await LlamaRuntime.create({gpu: false});
});
afterAll(async () => {
    for (const model of loaded)
        await model.dispose();
    await runtime?.dispose();
    rmSync(dir, {recursive: true, force: true});
});

async function load(filePath: string, contextSize = 1024) {
    const model = await runtime.loadModel(filePath, {threads: 1, contextSize});
    loaded.push(model);
    return model;
}

function collect() {
    const chunks: SegmentChunk[] = [];
    const text = (segment: SegmentChunk["segment"]) => chunks.filter((chunk) => chunk.segment === segment).map((chunk) => chunk.text).join("");
    return {onChunk: (chunk: SegmentChunk) => void chunks.push(chunk), reasoning: () => text("reasoning"), answer: () => text("answer")};
}

const greedy = {temperature: 0};

describe("language lock", () => {
    test("off, the Chinese word QwQ drifts into appears; locked to English, its English runner-up does", async () => {
        const model = await load(fixtures.prefilled);
        const off = collect();
        await model.generate({turns: [{role: "user", text: "Hi"}], sampling: greedy, onChunk: off.onChunk});
        expect(off.reasoning()).toBe(expectedTexts.reasoning);
        expect(off.reasoning()).toContain(chineseToken);

        const locked = collect();
        const result = await model.generate({turns: [{role: "user", text: "Hi"}], sampling: greedy, languageLock: "english", onChunk: locked.onChunk});
        expect(locked.reasoning()).toBe(expectedTexts.reasoningWithoutChinese);
        // The answer is under the lock as well, and still arrives.
        expect(locked.answer()).toBe(expectedTexts.answer);
        expect(result.stopReason).toBe("finished");
    });

    test("locked to 中文, the English word in Chinese reasoning gives way to its Chinese runner-up", async () => {
        const model = await load(chineseThinker);
        const off = collect();
        await model.generate({turns: [{role: "user", text: "你好"}], sampling: greedy, onChunk: off.onChunk});
        expect(off.reasoning()).toBe(chineseReasoning.join("") + "。");

        const locked = collect();
        await model.generate({turns: [{role: "user", text: "你好"}], sampling: greedy, languageLock: "chinese", onChunk: locked.onChunk});
        expect(locked.reasoning()).toBe(chineseReasoning.join("").replace(englishRunnerUp, chineseToken) + "。");
        expect(locked.answer()).toBe(chineseAnswer);
    });
});

describe("thinking budget", () => {
    test("a model that would think forever spends at most its budget, then answers", async () => {
        const model = await load(fixtures.endless);
        for (const budget of [10, 100]) {
            const out = collect();
            const result = await model.generate({turns: [{role: "user", text: "Think"}], sampling: greedy, reasoningBudget: budget, onChunk: out.onChunk});
            expect(result.reasoningCutByBudget).toBe(true);
            expect(result.reasoningTokens).toBeLessThanOrEqual(budget);
            expect(result.reasoningTokens).toBeGreaterThanOrEqual(budget - 1);
            expect(out.answer()).toBe(expectedTexts.answer);
        }
    });
});

describe("Answer now", () => {
    test("closes a reasoning that would go on forever when asked, and the model answers; it isn't counted as the budget's doing", async () => {
        const model = await load(fixtures.endless);
        const answerNow = new AbortController();
        const out = collect();
        const result = await model.generate({
            turns: [{role: "user", text: "Think"}], sampling: greedy, answerNow: answerNow.signal,
            onChunk(chunk) {
                out.onChunk(chunk);
                if (chunk.segment === "reasoning" && out.reasoning().length > 200)
                    answerNow.abort();
            }
        });
        expect(result.stopReason).toBe("finished");
        expect(result.reasoningCutByBudget).toBe(false);
        expect(out.reasoning().length).toBeGreaterThan(200);
        expect(out.answer()).toBe(expectedTexts.answer);
    });
});

describe("length limits", () => {
    test("a reply cut by length says which limit it reached: Max tokens, or the context", async () => {
        const model = await load(fixtures.endless, 256);
        const byMaxTokens = await model.generate({turns: [{role: "user", text: "Think"}], sampling: greedy, maxTokens: 20});
        expect(byMaxTokens).toMatchObject({stopReason: "length", limit: {name: "maxTokens", tokens: 20}});
        const byContext = await model.generate({turns: [{role: "user", text: "Think"}], sampling: greedy, maxTokens: 10_000});
        expect(byContext).toMatchObject({stopReason: "length", limit: {name: "context", tokens: 256}});
        const finished = await model.generate({turns: [{role: "user", text: "Think"}], sampling: greedy, reasoningBudget: 10});
        expect(finished.stopReason).toBe("finished");
        expect(finished.limit).toBeUndefined();
    });
});

describe("context overflow", () => {
    const long = (n: number) => `Message ${n}: ` + "a long line of words to fill the context up ".repeat(4);
    const history = [
        {role: "system" as const, text: "Be brief."},
        {role: "user" as const, text: long(1)},
        {role: "assistant" as const, text: long(2)},
        {role: "user" as const, text: long(3)},
        {role: "assistant" as const, text: long(4)},
        {role: "user" as const, text: "Hi"}
    ];

    test("policy stop: a clear error, nothing generated; policy drop oldest: the oldest exchanges go, the reply comes", async () => {
        const model = await load(fixtures.prefilled, 256);
        await expect(model.generate({turns: history, sampling: greedy})).rejects.toMatchObject({code: "reply.conversationTooLong"});
        await expect(model.generate({turns: history, sampling: greedy, contextOverflow: "stop"})).rejects.toThrow(/doesn't fit in the model's context of 256 tokens/);

        const out = collect();
        const result = await model.generate({turns: history, sampling: greedy, contextOverflow: "dropOldest", onChunk: out.onChunk});
        expect(result.droppedTurns).toBeGreaterThanOrEqual(2);
        expect(result.droppedTurns % 2).toBe(0);
        expect(result.promptTokens).toBeLessThanOrEqual(256 - 64);
        expect(out.answer()).toBe(expectedTexts.answer);
    });

    test("drop oldest never drops the last message: one that can't fit alone is a clear error", async () => {
        const model = await load(fixtures.prefilled, 256);
        await expect(model.generate({turns: [{role: "user", text: long(1).repeat(3)}], sampling: greedy, contextOverflow: "dropOldest"}))
            .rejects.toThrow(/Your last message alone/);
    });
});
