import {afterAll, beforeAll, expect, test} from "vitest";
import {getLlama, type DraftSequenceTokenPredictor, type Llama, type LlamaContext, type LlamaContextSequence, type LlamaModel, type Token} from "node-llama-cpp";
import {DraftModel, draftCounts} from "../../native/draft/DraftModel.ts";
import {ensureFixtureModels} from "../fixtures/models/fixtureModels.ts";

let llama: Llama;
let model: LlamaModel;
let context: LlamaContext;
let draft: DraftModel;
let unsureDraft: DraftModel;

beforeAll(async () => {
    const fixtures = await ensureFixtureModels();
    llama = await getLlama({gpu: false});
    model = await llama.loadModel({modelPath: fixtures.prefilled});
    context = await model.createContext({contextSize: 512, sequences: 3, threads: 1});
    // The model as its own draft: every drafted token is right, so every draft is accepted whole.
    draft = await DraftModel.load(llama, fixtures.prefilled, context, {threads: 1});
    unsureDraft = await DraftModel.load(llama, fixtures.unsureDraftForPrefilled, context, {threads: 1});
});
afterAll(async () => {
    await draft?.dispose();
    await unsureDraft?.dispose();
    await context?.dispose();
    await model?.dispose();
    await llama?.dispose();
});

const prompt = () => model.tokenize("<|im_start|>user\nHi there!<|im_end|>\n<|im_start|>assistant\n<think>\n", true);

/** The common part of the draft's sequence and the target's, which must be equal. */
function heldTokens(sequence: LlamaContextSequence) {
    const draftSequence = (sequence.tokenPredictor as DraftSequenceTokenPredictor).draftSequence;
    const held = Math.min(draftSequence.contextTokens.length, sequence.contextTokens.length);
    return {held, draft: draftSequence.contextTokens.slice(0, held), target: sequence.contextTokens.slice(0, held)};
}

/** Greedy tokens after the prompt, stopped after `count`. */
async function reply(sequence: LlamaContextSequence, prompt: Token[], count: number): Promise<Token[]> {
    const tokens: Token[] = [];
    for await (const token of sequence.evaluate(prompt, {temperature: 0})) {
        tokens.push(token);
        if (tokens.length === count)
            break;
    }
    return tokens;
}

test("the draft's sequence holds the reply's tokens after whole drafts were right, and each reply drafts as the first did", async () => {
    const sequence = context.getSequence({tokenPredictor: draft.predictor()});
    const first = await reply(sequence, prompt(), 40);
    const firstCounts = draftCounts(sequence);

    // node-llama-cpp never evaluated a draft's last token on the draft's sequence, so after
    // each whole right draft it lacked one of the reply's tokens.
    const {held, draft: draftTokens, target} = heldTokens(sequence);
    expect(held).toBeGreaterThan(prompt().length + first.length - 4);
    expect(draftTokens).toEqual(target);
    expect(firstCounts.accepted).toBe(firstCounts.drafted);
    expect(firstCounts.drafted).toBeGreaterThan(first.length / 2);

    // The same reply again: its drafts start as short as the first reply's did, not as long as
    // the first reply's had grown.
    await sequence.eraseContextTokenRanges([{start: 0, end: sequence.nextTokenIndex}]);
    const second = await reply(sequence, prompt(), 40);
    expect(second).toEqual(first);
    const secondCounts = draftCounts(sequence);
    expect(secondCounts.drafted - firstCounts.drafted).toBe(firstCounts.drafted);
});

test("after the target refutes a draft that the draft's confidence cut short, the draft's sequence holds the reply's tokens, not the refuted one", async () => {
    const alone = context.getSequence();
    const expected = await reply(alone, prompt(), 40);
    alone.dispose();

    const sequence = context.getSequence({tokenPredictor: unsureDraft.predictor()});
    try {
        const tokens = await reply(sequence, prompt(), 40);
        expect(tokens).toEqual(expected);
        // The draft offered its wrong guesses, each the last of a draft it cut short, and the target refuted them.
        const counts = draftCounts(sequence);
        expect(counts.accepted).toBeGreaterThan(tokens.length / 2);
        expect(counts.accepted).toBeLessThan(counts.drafted);

        // A draft cut short by the predictor's minConfidence has evaluated every token it offered;
        // node-llama-cpp erased one too few after a refuted one, so the wrong guess stayed in the
        // draft's sequence, before the target's token.
        const {held, draft: draftTokens, target} = heldTokens(sequence);
        expect(held).toBeGreaterThan(prompt().length + tokens.length - 4);
        expect(draftTokens).toEqual(target);
    } finally {
        sequence.dispose();
    }
});
