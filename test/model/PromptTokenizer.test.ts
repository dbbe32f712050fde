import type {ChatHistoryItem, Token, Tokenizer} from "node-llama-cpp";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {LlamaRuntime, type LoadedModel} from "../../native/index.ts";
import {PromptTokenizer} from "../../native/generation/PromptTokenizer.ts";
import {ensureFixtureModels} from "../fixtures/models/fixtureModels.ts";

let runtime: LlamaRuntime;
let model: LoadedModel;

beforeAll(async () => {
    const fixtures = await ensureFixtureModels();
    runtime = await LlamaRuntime.create({gpu: false});
    model = await runtime.loadModel(fixtures.prefilled, {threads: 1, contextSize: 1024});
});
afterAll(async () => {
    await model?.dispose();
    await runtime?.dispose();
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
    return model.format.wrapper.generateContextState({chatHistory: [...history, {type: "model", response: []}]}).contextText;
}

describe("PromptTokenizer", () => {
    test("gives the same tokens as the tokenizer, and tokenizes only the turns the previous prompt didn't have", () => {
        const {counting, seen} = countingTokenizer(model.model.tokenizer);
        const prompts = new PromptTokenizer(counting);
        const longTurn = "A long question about light, waves and particles. ".repeat(40);
        const history: ChatHistoryItem[] = [{type: "system", text: "Be brief."}, {type: "user", text: longTurn}];

        const first = prompt(history);
        expect(prompts.tokenize(first)).toEqual(first.tokenize(model.model.tokenizer));
        expect(seen.some((text) => text.includes(longTurn))).toBe(true);

        seen.length = 0;
        history.push({type: "model", response: ["Short waves scatter more."]}, {type: "user", text: "And at sunset?"});
        const followUp = prompt(history);
        expect(prompts.tokenize(followUp)).toEqual(followUp.tokenize(model.model.tokenizer));
        // The long turn came from the previous prompt; only the new text was tokenized.
        expect(seen.some((text) => text.includes(longTurn))).toBe(false);
        expect(seen.some((text) => text.includes("And at sunset?"))).toBe(true);

        // Two prompts later, text that neither of them had is tokenized again.
        prompts.tokenize(prompt([{type: "user", text: "Something else"}]));
        prompts.tokenize(prompt([{type: "user", text: "Something else"}]));
        seen.length = 0;
        expect(prompts.tokenize(first)).toEqual(first.tokenize(model.model.tokenizer));
        expect(seen.some((text) => text.includes(longTurn))).toBe(true);
    });
});
