import {existsSync} from "node:fs";
import path from "node:path";
import {Worker} from "node:worker_threads";
import {getLlama, type ChatHistoryItem, type Llama, type LlamaModel, type Token, type Tokenizer} from "node-llama-cpp";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {resolveChatFormat, type ChatFormat} from "../../native/chatFormat/resolveChatFormat.ts";
import {offThreadCharacters, PromptTokenizer} from "../../native/generation/PromptTokenizer.ts";
import {TokenizerThread} from "../../native/generation/TokenizerThread.ts";
import type {CloseRequest, TokenizeReply, TokenizerThreadWorkerData} from "../../native/generation/tokenizerThreadWorker.ts";
import {ensureFixtureModels} from "../fixtures/models/fixtureModels.ts";
import {hugePrompt} from "../fixtures/hugePrompt.ts";

let llama: Llama;
let model: LlamaModel;
let format: ChatFormat;
let thread: TokenizerThread;
let modelPath: string;

beforeAll(async () => {
    const fixtures = await ensureFixtureModels();
    llama = await getLlama({gpu: false});
    modelPath = fixtures.prefilled;
    model = await llama.loadModel({modelPath});
    format = resolveChatFormat(model);
    thread = new TokenizerThread(fixtures.prefilled);
});
afterAll(async () => {
    await thread?.dispose();
    await model?.dispose();
    await llama?.dispose();
});

/** The model's own tokenizer, counting the text it is asked to tokenize. */
function countingTokenizer(tokenizer: Tokenizer) {
    const seen: string[] = [];
    const counting = Object.assign((text: string, special?: boolean | "builtin", options?: "trimLeadingSpace"): Token[] => {
        seen.push(text);
        return tokenizer(text as never, special as never, options);
    }, {detokenize: tokenizer.detokenize, isSpecialToken: tokenizer.isSpecialToken, isEogToken: tokenizer.isEogToken}) as Tokenizer;
    return {counting, seen};
}

function prompt(history: ChatHistoryItem[]) {
    return format.wrapper.generateContextState({chatHistory: [...history, {type: "model", response: []}]}).contextText;
}

describe("PromptTokenizer", () => {
    test("gives the same tokens as the tokenizer, and tokenizes only the turns the previous prompt didn't have", async () => {
        const {counting, seen} = countingTokenizer(model.tokenizer);
        const prompts = new PromptTokenizer(counting, thread);
        const longTurn = "A long question about light, waves and particles. ".repeat(40);
        const history: ChatHistoryItem[] = [{type: "system", text: "Be brief."}, {type: "user", text: longTurn}];

        const first = prompt(history);
        expect(await prompts.tokenize(first)).toEqual(first.tokenize(model.tokenizer));
        expect(seen.some((text) => text.includes(longTurn))).toBe(true);

        seen.length = 0;
        history.push({type: "model", response: ["Short waves scatter more."]}, {type: "user", text: "And at sunset?"});
        const followUp = prompt(history);
        expect(await prompts.tokenize(followUp)).toEqual(followUp.tokenize(model.tokenizer));
        // The long turn came from the previous prompt; only the new text was tokenized.
        expect(seen.some((text) => text.includes(longTurn))).toBe(false);
        expect(seen.some((text) => text.includes("And at sunset?"))).toBe(true);

        // Two prompts later, text that neither of them had is tokenized again.
        await prompts.tokenize(prompt([{type: "user", text: "Something else"}]));
        await prompts.tokenize(prompt([{type: "user", text: "Something else"}]));
        seen.length = 0;
        expect(await prompts.tokenize(first)).toEqual(first.tokenize(model.tokenizer));
        expect(seen.some((text) => text.includes(longTurn))).toBe(true);
    });

    test("tokenizes a long turn on its thread, into exactly the tokens of the model's own tokenizer", async () => {
        const {counting, seen} = countingTokenizer(model.tokenizer);
        const prompts = new PromptTokenizer(counting, thread);
        const document = hugePrompt(200_000);
        expect(document.length).toBeGreaterThan(offThreadCharacters);
        const text = prompt([{type: "system", text: "Be brief."}, {type: "user", text: `Summarize:\n${document}`}, {type: "model", response: ["Done."]}, {type: "user", text: "Shorter?"}]);

        expect(await prompts.tokenize(text)).toEqual(text.tokenize(model.tokenizer));
        // The short turns were tokenized here, the long one never.
        expect(seen.some((piece) => piece.includes("Shorter?"))).toBe(true);
        expect(seen.some((piece) => piece.includes(document))).toBe(false);
    });

    test("the thread's tokens equal the model's for text with special tokens and a leading space", async () => {
        const text = ` <|im_start|>user\n${hugePrompt(50_000)}<|im_end|>`;
        for (const specialTokens of [false, true])
            for (const options of [undefined, "trimLeadingSpace"] as const)
                expect(Array.from(await thread.tokenize(text, specialTokens, options))).toEqual(model.tokenize(text, specialTokens, options));
    });

    test("the worker electron-vite builds beside main.js tokenizes the same, with no loader, and ends by itself when asked to close", async () => {
        const built = path.resolve("out/main/tokenizerThreadWorker.js");
        expect(existsSync(built), `${built} is missing: run \`npx electron-vite build\` first (npm test does)`).toBe(true);
        const worker = new Worker(built, {execArgv: [], workerData: {modelPath, build: {}} satisfies TokenizerThreadWorkerData});
        try {
            const text = "Tokens, from the built worker.";
            worker.postMessage({id: 7, text, specialTokens: false});
            const reply = await new Promise<TokenizeReply>((resolve, reject) => {
                worker.once("message", resolve);
                worker.once("error", reject);
            });
            expect(reply.error).toBeUndefined();
            expect({id: reply.id, tokens: Array.from(reply.tokens ?? [])}).toEqual({id: 7, tokens: model.tokenize(text)});
        } finally {
            // As TokenizerThread.dispose ends it: the model released, then the thread ends by itself.
            const exited = new Promise<number>((resolve) => worker.once("exit", resolve));
            worker.postMessage({close: true} satisfies CloseRequest);
            expect(await exited).toBe(0);
        }
    });
});
