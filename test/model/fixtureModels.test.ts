import {
    getLlama, JinjaTemplateChatWrapper, LlamaChatSession, LlamaText, QwenChatWrapper, resolveChatWrapper, SpecialTokensText, TokenBias,
    type ChatModelResponse, type Llama, type LlamaModel, type Token
} from "node-llama-cpp";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {ensureBenchModel, ensureFixtureModels, type FixtureModels} from "../fixtures/models/fixtureModels.ts";
import {chatMlWritesThinkTemplate, qwqChatTemplate} from "../fixtures/models/qwqChatTemplate.ts";
import {chineseToken, expectedTexts, type ScriptedModelVariant} from "../fixtures/models/scriptedModel.ts";

const userMessage = "Hi there!";

let llama: Llama;
let fixtures: FixtureModels;
const models = new Map<string, LlamaModel>();

beforeAll(async () => {
    fixtures = await ensureFixtureModels();
    llama = await getLlama({gpu: false});
    for (const path of [fixtures.prefilled, fixtures.writesThink, fixtures.endless, fixtures.endlessWritesThink])
        models.set(path, await llama.loadModel({modelPath: path}));
});

afterAll(async () => {
    await llama?.dispose(); // disposes the models too
});

const modelFor = (variant: ScriptedModelVariant, {endless = false} = {}) => {
    const path = variant === "prefilled-think"
        ? (endless ? fixtures.endless : fixtures.prefilled)
        : (endless ? fixtures.endlessWritesThink : fixtures.writesThink);
    return models.get(path)!;
};

const variants: ScriptedModelVariant[] = ["prefilled-think", "writes-think"];

describe("scripted fixture models", () => {
    it.each(variants)("%s loads as a qwen2 model with Qwen's tokens and its template", (variant) => {
        const model = modelFor(variant);

        expect(model.fileInfo.metadata.general.architecture).toBe("qwen2");
        expect(model.fileInfo.metadata.tokenizer.chat_template)
            .toBe(variant === "prefilled-think" ? qwqChatTemplate : chatMlWritesThinkTemplate);
        expect(model.tokens.eosString).toBe("<|im_end|>");
        expect(model.tokens.shouldPrependBosToken).toBe(false);
        expect(model.tokenize("<think>")).toHaveLength(1); // user-defined: matched even as plain text
        expect(model.tokenize("<|im_end|>", true)).toHaveLength(1);
    });

    it.each(variants)("%s greedily writes the scripted reasoning, </think>, the answer, then EOS", async (variant) => {
        const model = modelFor(variant);
        // node-llama-cpp's rendering, and QwQ's real prompt: both end with the "\n" the script starts from
        const prompts = variant === "prefilled-think"
            ? [chatPrompt(model), chatPrompt(model, {withQwqPrefill: true})]
            : [chatPrompt(model)];

        for (const prompt of prompts) {
            const generated = await generateGreedily(model, prompt, {maxTokens: 100});

            expect(generated.at(-1)).toBe(model.tokens.eos);
            expect(model.detokenize(generated.slice(0, -1))).toBe(expectedTexts.completion(variant));
        }
    });

    it.each(variants)("%s endless thinks 500 tokens without an EOS, cycling", async (variant) => {
        const model = modelFor(variant, {endless: true});

        const generated = await generateGreedily(model, chatPrompt(model), {maxTokens: 500});
        const text = model.detokenize(generated);

        expect(generated).toHaveLength(500);
        expect(generated.some((token) => model.isEogToken(token))).toBe(false);
        expect(text).not.toContain("</think>");
        expect(text.split(expectedTexts.loop).length - 1).toBeGreaterThan(20);
    });

    it.each(variants)("%s falls to the English runner-up when the Chinese token is banned", async (variant) => {
        const model = modelFor(variant);
        expect(model.tokenize(chineseToken)).toHaveLength(1);

        const tokenBias = new TokenBias(model.tokenizer).set(chineseToken, "never");
        const generated = await generateGreedily(model, chatPrompt(model), {maxTokens: 100, tokenBias});

        expect(model.detokenize(generated.slice(0, -1))).toBe(expectedTexts.completion(variant, {chineseBanned: true}));
        expect(expectedTexts.reasoningWithoutChinese).not.toContain(chineseToken.trim());
    });

    it.each(variants)("%s resolves to QwenChatWrapper, whose prompt ends without a <think> prefill", (variant) => {
        const model = modelFor(variant);

        const wrapper = resolveChatWrapper(model);
        const {contextText} = wrapper.generateContextState({chatHistory: [{type: "user", text: userMessage}, {type: "model", response: []}]});

        expect(wrapper).toBeInstanceOf(QwenChatWrapper);
        expect(contextText.toString().endsWith("<|im_start|>assistant\n")).toBe(true);
    });

    it("writes-think: a chat session with the resolved wrapper reports the reasoning as a thought segment", async () => {
        const {thoughts, text} = await chatWithResolvedWrapper(modelFor("writes-think"));

        expect(thoughts).toEqual([expectedTexts.reasoning]);
        expect(text.trim()).toBe(expectedTexts.answer);
    });

    // QwQ's template opens the reasoning in its generation prompt, but node-llama-cpp 3.21.1
    // leaves that prefill out and its Qwen wrapper waits for a `<think>` the model never writes.
    it("prefilled-think: with the resolved wrapper the reasoning arrives as answer text", async () => {
        const {thoughts, text} = await chatWithResolvedWrapper(modelFor("prefilled-think"));

        expect(thoughts).toEqual([]);
        expect(text).toBe(expectedTexts.completion("prefilled-think"));
    });

    it("rejects the not-a-GGUF and truncated fixtures", async () => {
        // In node-llama-cpp 3.21.1 a load that fails natively never releases the half-made model's
        // hold on its Llama, so once that model is garbage collected `llama.dispose()` hangs:
        // use a throwaway instance and leave it undisposed.
        const throwawayLlama = await getLlama({gpu: false});

        await expect(throwawayLlama.loadModel({modelPath: fixtures.notGguf})).rejects.toThrow(/Invalid GGUF magic/);
        await expect(throwawayLlama.loadModel({modelPath: fixtures.truncated})).rejects.toThrow(/Failed to load model/);
    });
});

// The bench's own model: `npm test` would write 670 MB of random weights for one check that
// `npm run bench` makes anyway on every run (it fails if the model can't generate).
describe.runIf(process.env.PONDER_TEST_RANDOM_MODEL === "1")("random benchmark model (skipped by npm test: it writes a 670 MB file that only the benches need, and every bench run exercises it; set PONDER_TEST_RANDOM_MODEL=1 to check it here)", () => {
    it("loads and generates 16 tokens without stopping", async () => {
        const model = await llama.loadModel({modelPath: await ensureBenchModel()});
        // the default thread count is at least 4, which makes a 2-core machine crawl
        const context = await model.createContext({contextSize: 512, threads: llama.cpuMathCores});
        try {
            const generated: Token[] = [];
            for await (const token of context.getSequence().evaluate(chatPrompt(model), {yieldEogToken: true})) {
                generated.push(token);
                if (generated.length === 16)
                    break;
            }

            expect(generated).toHaveLength(16);
            expect(generated.some((token) => model.isEogToken(token))).toBe(false);
        } finally {
            await model.dispose();
        }
    });
});

/**
 * A one-user-message prompt from the model's own Jinja template. node-llama-cpp renders it
 * without the template's generation prompt, which for QwQ also opens the reasoning;
 * `withQwqPrefill` adds that `<think>\n` back, giving the prompt QwQ's template really makes.
 */
function chatPrompt(model: LlamaModel, {withQwqPrefill = false} = {}): Token[] {
    const template = model.fileInfo.metadata.tokenizer.chat_template!;
    const wrapper = new JinjaTemplateChatWrapper({template, tokenizer: model.tokenizer});
    const {contextText} = wrapper.generateContextState({chatHistory: [{type: "user", text: userMessage}, {type: "model", response: []}]});

    return LlamaText([contextText, new SpecialTokensText(withQwqPrefill ? "<think>\n" : "")]).tokenize(model.tokenizer);
}

/** Greedy decoding straight on a sequence (temperature 0 is the default), one thread. */
async function generateGreedily(model: LlamaModel, prompt: Token[], {maxTokens, tokenBias}: {maxTokens: number; tokenBias?: TokenBias}): Promise<Token[]> {
    const context = await model.createContext({contextSize: 1024, threads: 1});
    try {
        const generated: Token[] = [];
        for await (const token of context.getSequence().evaluate(prompt, {tokenBias, yieldEogToken: true})) {
            generated.push(token);
            if (model.isEogToken(token) || generated.length === maxTokens)
                break;
        }
        return generated;
    } finally {
        await context.dispose();
    }
}

async function chatWithResolvedWrapper(model: LlamaModel): Promise<{thoughts: string[]; text: string}> {
    const context = await model.createContext({contextSize: 1024, threads: 1});
    try {
        const session = new LlamaChatSession({contextSequence: context.getSequence(), chatWrapper: resolveChatWrapper(model)});
        const {response} = await session.promptWithMeta(userMessage, {maxTokens: 100});
        return splitResponse(response);
    } finally {
        await context.dispose();
    }
}

function splitResponse(response: ChatModelResponse["response"]): {thoughts: string[]; text: string} {
    const thoughts: string[] = [];
    let text = "";
    for (const item of response) {
        if (typeof item === "string")
            text += item;
        else if (item.type === "segment" && item.segmentType === "thought")
            thoughts.push(item.text);
    }
    return {thoughts, text};
}
