import {mkdtempSync, rmSync} from "node:fs";
import {availableParallelism, tmpdir} from "node:os";
import path from "node:path";
import {LlamaRuntime, SequenceStateStore, type ConversationTurn, type LoadedModel} from "../../native/index.ts";
import {ensureBenchModel} from "../fixtures/models/fixtureModels.ts";
import {median, round2, round3, type Measure} from "./measure.ts";

const rounds = 3;
/** About 4,000 tokens of history with the template: the conversation. */
const historyWords = 1300;

/**
 * Coming back to a ~4,000-token conversation after another chat used the model's only sequence,
 * on the random Qwen2.5-0.5B-shaped model: time to first token with the conversation's state
 * read back from its state file, against a follow-up in a chat that never left its sequence,
 * and against what happens today, the whole history evaluated again (the conversation's first
 * evaluation, from nothing, is that same work; measured once, as it takes minutes on a busy
 * machine). Rounds alternate warm and resumed; then the model is unloaded and loaded again (a
 * restart: the unload saves the state) and the chat is resumed once more.
 */
export async function resumeBench(): Promise<Measure[]> {
    const modelPath = await ensureBenchModel();
    const runtime = await LlamaRuntime.create({gpu: false});
    const dir = mkdtempSync(path.join(tmpdir(), "ponder-resume-bench-"));
    const options = {threads: availableParallelism(), contextSize: 8192, parallel: 0};
    const openStore = () => new SequenceStateStore(dir, {budgetBytes: 10e9});
    const history = Array.from({length: historyWords}, (_, index) => `w${(index * 7) % 97}`).join(" ");
    const base: ConversationTurn[] = [{role: "user", text: history}, {role: "assistant", text: "Noted."}];
    const ask = async (model: LoadedModel, conversation: string, question: string) => {
        const turns = conversation === "a" ? [...base, {role: "user" as const, text: question}] : [{role: "user" as const, text: question}];
        const startedAt = performance.now();
        const result = await model.generate({turns, conversation, sampling: {temperature: 0}, maxTokens: 2});
        return {ttftMs: result.firstTokenAt! - startedAt, promptTokens: result.promptTokens, reused: result.reusedPromptTokens};
    };
    const warm: number[] = [];
    const resumed: number[] = [];
    const otherChat: number[] = [];
    let promptTokens = 0;
    let reevaluatedMs = 0;
    let afterRestart = 0;
    let withStore = await runtime.loadModel(modelPath, {...options, stateStore: openStore()});
    try {
        const fromNothing = await ask(withStore, "a", "First question?");
        promptTokens = fromNothing.promptTokens;
        reevaluatedMs = fromNothing.ttftMs;
        for (let round = 0; round < rounds; round++) {
            warm.push((await ask(withStore, "a", `Warm follow-up ${round}?`)).ttftMs);
            otherChat.push((await ask(withStore, "b", `Another chat ${round}.`)).ttftMs);
            resumed.push((await ask(withStore, "a", `Back again ${round}?`)).ttftMs);
        }
        await withStore.dispose();
        withStore = await runtime.loadModel(modelPath, {...options, stateStore: openStore()});
        afterRestart = (await ask(withStore, "a", "After a restart?")).ttftMs;
    } finally {
        await withStore.dispose();
        await runtime.dispose();
        rmSync(dir, {recursive: true, force: true});
    }
    const warmMs = median(warm);
    return [
        {measure: "resume.conversation_tokens", value: promptTokens, unit: "tokens", target: null},
        {measure: "resume.warm_follow_up_ttft", value: round2(warmMs / 1000), unit: "s", target: null},
        {measure: "resume.from_state_file_ttft", value: round2(median(resumed) / 1000), unit: "s", target: null},
        {measure: "resume.from_state_file_to_warm_ratio", value: round3(median(resumed) / warmMs), unit: "ratio", target: "<= 1.5"},
        {measure: "resume.after_restart_to_warm_ratio", value: round3(afterRestart / warmMs), unit: "ratio", target: "<= 1.5"},
        {measure: "resume.reevaluated_today_ttft", value: round2(reevaluatedMs / 1000), unit: "s", target: null},
        {measure: "resume.reevaluated_today_to_warm_ratio", value: round3(reevaluatedMs / warmMs), unit: "ratio", target: null},
        // The chat that takes the sequence waits for the other one's state to be written.
        {measure: "resume.other_chat_ttft_while_saving", value: round2(median(otherChat) / 1000), unit: "s", target: null}
    ];
}
