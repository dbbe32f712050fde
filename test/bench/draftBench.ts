import {LlamaRuntime, type LoadedModel} from "../../native/index.ts";
import {ensureDraftBenchModels} from "../fixtures/models/fixtureModels.ts";
import {expectedTexts} from "../fixtures/models/scriptedModel.ts";
import {median, round2, round3, type Measure} from "./measure.ts";

const rounds = 5;
const generatedTokens = 256;

type DraftName = "always" | "mostly" | "never" | "lookup" | "lookup_unquoted";
const targets: Record<DraftName, string | null> = {always: ">= 2", mostly: ">= 1.3", never: ">= 0.95", lookup: null, lookup_unquoted: null};

/** The scripted models don't read the prompt; prompt lookup finds their text in the quoting one. */
const quotingPrompt = `Think about it:${expectedTexts.loop.repeat(2)}`;
/** Words the target writes, but not its sentences: prompt lookup finds only wrong continuations. */
const unquotedPrompt = "Think about it: the user wants me to keep a short greeting simple, so let me see what works best, and does it, or not.";

/**
 * Decode speed of a scripted target alone and with drafts that agree with it always, after about
 * 70 % of its tokens, and never, greedy, rounds alternating.
 *
 * Cost model: nothing is simulated; both are real llama.cpp models and cost what their weights
 * cost. The target (16 layers 1,024 wide, 154 MB) is bound by reading its weights, as a large
 * model is on a GPU or Apple silicon: measured on this 2-core VM at 1 thread, one token took
 * ~19 ms and a batch of 16 (logits for each) ~30 ms, not 16 × 19. The drafts (4 layers 512
 * wide) have about 1/20 of its weights, as Qwen2.5-0.5B has of QwQ-32B. Real models' gains depend
 * on how often a real draft agrees, which can't be measured on generated models.
 *
 * `lookup` is the target with prompt lookup instead of a draft model, the prompt quoting the text
 * the target writes (the reply quotes the conversation); `lookup_unquoted` the same with a prompt
 * that shares only words with it. Every other case gets the quoting prompt.
 */
export async function draftBench(): Promise<Measure[]> {
    const {target, drafts} = await ensureDraftBenchModels();
    const runtime = await LlamaRuntime.create({gpu: false});
    // One thread: the draft waits for the target and the target for the draft, so a second one
    // adds little, and on a shared machine llama.cpp's threads spin against each other.
    const options = {threads: 1, contextSize: 1024, parallel: 0};
    const models = new Map<DraftName | "alone", LoadedModel>();
    const prompts = new Map<DraftName | "alone", string>([["lookup_unquoted", unquotedPrompt]]);
    const speeds = new Map<DraftName | "alone", number[]>();
    const acceptance = new Map<DraftName, {accepted: number; drafted: number}>();
    try {
        models.set("alone", await runtime.loadModel(target, options));
        for (const [name, draftModelPath] of Object.entries(drafts) as Array<[DraftName, string]>)
            models.set(name, await runtime.loadModel(target, {...options, draftModelPath}));
        models.set("lookup", await runtime.loadModel(target, {...options, promptLookup: true}));
        models.set("lookup_unquoted", models.get("lookup")!);
        for (let round = -1; round < rounds; round++)
            for (const [name, model] of models) {
                const {tokensPerSecond, draft} = await decodeSpeed(model, prompts.get(name) ?? quotingPrompt);
                // Round -1 warms each model up and isn't counted.
                if (round < 0)
                    continue;
                speeds.set(name, [...speeds.get(name) ?? [], tokensPerSecond]);
                if (name !== "alone" && draft != null) {
                    const sum = acceptance.get(name) ?? {accepted: 0, drafted: 0};
                    acceptance.set(name, {accepted: sum.accepted + draft.accepted, drafted: sum.drafted + draft.drafted});
                }
            }
    } finally {
        for (const model of new Set(models.values()))
            await model.dispose();
        await runtime.dispose();
    }
    const alone = speeds.get("alone")!;
    const measures: Measure[] = [{measure: "draft.target_alone_tokens_per_second", value: round2(median(alone)), unit: "tokens/s", target: null}];
    for (const name of [...Object.keys(drafts), "lookup", "lookup_unquoted"] as DraftName[]) {
        const withDraft = speeds.get(name)!;
        const {accepted, drafted} = acceptance.get(name)!;
        measures.push(
            {measure: `draft.${name}_tokens_per_second`, value: round2(median(withDraft)), unit: "tokens/s", target: null},
            {measure: `draft.${name}_to_alone_ratio`, value: round3(median(withDraft.map((speed, round) => speed / alone[round]!))), unit: "ratio", target: targets[name]},
            {measure: `draft.${name}_acceptance`, value: round3(drafted === 0 ? 0 : accepted / drafted), unit: "accepted/drafted", target: null}
        );
    }
    return measures;
}

/** Tokens per second of a reply from its first generated token to its last, and the draft's counts. */
async function decodeSpeed(model: LoadedModel, prompt: string) {
    const times: number[] = [];
    const result = await model.generate({
        turns: [{role: "user", text: prompt}],
        sampling: {temperature: 0},
        maxTokens: generatedTokens,
        onContextTokens: () => void times.push(performance.now())
    });
    return {tokensPerSecond: (times.length - 1) / ((times.at(-1)! - times[0]!) / 1000), draft: result.draft};
}
