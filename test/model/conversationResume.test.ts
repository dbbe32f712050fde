import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, test} from "vitest";
import {LlamaRuntime, SequenceStateStore, type ConversationTurn, type LoadedModel} from "../../native/index.ts";
import {ensureTinyRandomModels} from "../fixtures/models/fixtureModels.ts";

let runtime: LlamaRuntime;
let models: {model: string; sibling: string};
let dir: string;
const opened: LoadedModel[] = [];
const problems: string[] = [];

beforeAll(async () => {
    models = await ensureTinyRandomModels();
    runtime = await LlamaRuntime.create({gpu: false});
});
afterAll(async () => {
    await runtime?.dispose();
});
beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "ponder-resume-"));
});
afterEach(async () => {
    for (const model of opened.splice(0))
        await model.dispose();
    rmSync(dir, {recursive: true, force: true});
});

/** A store over the test's folder, as a new run of the app opens it. */
function newStore(budgetBytes = 2 ** 30): SequenceStateStore {
    return new SequenceStateStore(dir, {budgetBytes, onProblem: (message) => void problems.push(message)});
}

/** One sequence (no parallel API replies), so a second chat always takes the first one's place. */
async function load(stateStore?: SequenceStateStore, modelPath = models.model): Promise<LoadedModel> {
    const model = await runtime.loadModel(modelPath, {threads: 1, contextSize: 2048, parallel: 0, stateStore});
    opened.push(model);
    return model;
}

async function unload(model: LoadedModel) {
    opened.splice(opened.indexOf(model), 1);
    await model.dispose();
}

const history = Array.from({length: 300}, (_, index) => `word${(index * 13) % 89}`).join(" ");
const first: ConversationTurn[] = [{role: "user", text: history}];
const followUp: ConversationTurn[] = [...first, {role: "assistant", text: "A fixed answer."}, {role: "user", text: "And then what?"}];
const other: ConversationTurn[] = [{role: "user", text: "Something else entirely."}];

async function reply(model: LoadedModel, turns: readonly ConversationTurn[], conversation?: string) {
    let text = "";
    const result = await model.generate({turns, conversation, sampling: {temperature: 0}, maxTokens: 12, onChunk: (chunk) => void (text += chunk.text)});
    return {text, promptTokens: result.promptTokens, reused: result.reusedPromptTokens};
}

/** What the turns give evaluated from nothing, on a model without a state store. */
async function reference(turns: readonly ConversationTurn[]) {
    const model = await load();
    try {
        return await reply(model, turns);
    } finally {
        await unload(model);
    }
}

/** Chat "a" asks, chat "b" takes its sequence (saving "a"'s state); returns "a"'s reply. */
async function leaveForAnotherChat(model: LoadedModel) {
    const asked = await reply(model, first, "a");
    await reply(model, other, "b");
    return asked;
}

function stateFiles(): string[] {
    return readdirSync(dir).filter((name) => name.endsWith(".state")).map((name) => path.join(dir, name));
}

describe("a conversation resumes where it was", () => {
    test("after another chat took its sequence, it reads its state back and writes exactly what evaluating it again writes", async () => {
        const expected = await reference(followUp);
        const model = await load(newStore());
        const asked = await leaveForAnotherChat(model);
        expect(stateFiles()).toHaveLength(1);
        const resumed = await reply(model, followUp, "a");
        expect(resumed.text).toBe(expected.text);
        expect(expected.text.length).toBeGreaterThan(0);
        // Everything up to the fixed answer came from the file: the first prompt, but for the opening of its reasoning.
        expect(resumed.reused).toBeGreaterThan(asked.promptTokens - 8);
        expect(expected.reused).toBe(0);
    });

    test("after a restart (the model unloaded and loaded again), the state file gives the same output", async () => {
        const expected = await reference(followUp);
        const before = await load(newStore());
        const asked = await reply(before, first, "a");
        await unload(before);
        const after = await load(newStore());
        const resumed = await reply(after, followUp, "a");
        expect(resumed.text).toBe(expected.text);
        expect(resumed.reused).toBeGreaterThan(asked.promptTokens - 8);
    });

    test("an edited message (another branch) restores up to where it differs, and evaluates the rest", async () => {
        const edited: ConversationTurn[] = [{role: "user", text: history.replace(/word\d+$/, "changed at the end")}];
        const expected = await reference(edited);
        const model = await load(newStore());
        const asked = await leaveForAnotherChat(model);
        const resumed = await reply(model, edited, "a");
        expect(resumed.text).toBe(expected.text);
        expect(resumed.reused).toBeGreaterThan(asked.promptTokens / 2);
        expect(resumed.reused).toBeLessThan(asked.promptTokens - 3);
    });

    test("another model's state for the same chat is never loaded", async () => {
        const expected = await reference(followUp);
        const store = newStore();
        const sibling = await load(store, models.sibling);
        await reply(sibling, first, "a");
        await unload(sibling);
        expect(stateFiles()).toHaveLength(1);
        const model = await load(store);
        const resumed = await reply(model, followUp, "a");
        expect(resumed.reused).toBe(0);
        expect(resumed.text).toBe(expected.text);
    });

    const damages: Array<[string, (file: string, foreign: Buffer) => void]> = [
        ["corrupt", (file) => {
            const bytes = readFileSync(file);
            bytes.fill(0x5a, Math.floor(bytes.length / 2), Math.floor(bytes.length / 2) + 64);
            writeFileSync(file, bytes);
        }],
        ["truncated", (file) => truncateSync(file, Math.floor(statSync(file).size / 2))],
        // Another model's state of the same size put in its place.
        ["foreign", (file, foreign) => writeFileSync(file, foreign)]
    ];
    test.each(damages)("a %s state file is refused and deleted, and the chat is evaluated again with the same output", async (_, damage) => {
        const expected = await reference(followUp);
        // The sibling's state: same shape, other weights.
        const siblingStore = newStore();
        const sibling = await load(siblingStore, models.sibling);
        await reply(sibling, first, "a");
        await unload(sibling);
        const foreign = readFileSync(stateFiles()[0]!);
        await siblingStore.clear();

        problems.length = 0;
        const model = await load(newStore());
        await leaveForAnotherChat(model);
        const [file] = stateFiles();
        damage(file!, foreign);
        const resumed = await reply(model, followUp, "a");
        expect(resumed.text).toBe(expected.text);
        // Only the chat template's opening, which "b" shares, is still in the sequence.
        expect(resumed.reused).toBeLessThan(8);
        expect(statSync(file!, {throwIfNoEntry: false})).toBeUndefined();
        expect(problems.some((problem) => problem.includes("refused"))).toBe(true);
    });

    test("the disk budget is respected: the least recently used state goes first", async () => {
        const store = newStore();
        const model = await load(store);
        await leaveForAnotherChat(model);
        const {usedBytes: oneState} = await store.usage();
        expect(oneState).toBeGreaterThan(0);
        const budget = oneState;
        await store.setBudget(budget);
        // "b" is saved when "c" takes the sequence: "a", older, goes to keep within the budget.
        await reply(model, [{role: "user", text: "A third chat."}], "c");
        const usage = await store.usage();
        expect(usage.usedBytes).toBeLessThanOrEqual(budget);
        expect(usage.conversations).toBe(1);
        expect((await reply(model, followUp, "a")).reused).toBeLessThan(8);
        await store.setBudget(0);
        expect((await store.usage()).usedBytes).toBe(0);
        expect(stateFiles()).toHaveLength(0);
    });
});
