import type {LlamaContextSequence, LlamaModel, Token} from "node-llama-cpp";
import {availableParallelism} from "node:os";
import path from "node:path";
import type {Message} from "../../electron/contract.ts";
import {PonderCore} from "../../electron/core/PonderCore.ts";
import {chatPageSize} from "../../electron/contract/values.ts";
import {benchChatId, benchWords, ensureConversationsDatabase, longChatMessages, seededRandom} from "./conversationsDatabase.ts";
import {median, round2, round3, type Measure} from "./measure.ts";
import {openBenchCore, openBenchLlama} from "./support/openBenchCore.ts";

const samples = 40;

/**
 * Scale: a database of 10,000 conversations and 1,000,000 messages (some Chinese), and the
 * p50/p95 of what the user waits for: a page of the conversation list, opening a 500-message chat, a search.
 * Follow-up speed: time to first token of a follow-up in a ~4,000-token conversation over that of a new chat.
 */
export async function conversationsBench(): Promise<Measure[]> {
    return [...await scaleBench(), ...await followUpBench()];
}

async function scaleBench(): Promise<Measure[]> {
    const dataDir = await ensureConversationsDatabase();
    const core = await PonderCore.create({dataDir, modelsDir: path.join(dataDir, "models"), shell: "headless", version: "bench", runtime: {gpu: false}});
    try {
        const {handlers} = core;
        const longChatId = benchChatId(0);
        const measures: Measure[] = [];
        const time = async (name: string, run: () => Promise<unknown>) => {
            await run(); // warm the page cache and the prepared statements
            const times: number[] = [];
            for (let i = 0; i < samples; i++) {
                const startedAt = performance.now();
                await run();
                times.push(performance.now() - startedAt);
            }
            measures.push(
                {measure: `conversations.${name}_p50`, value: round2(percentile(times, 0.5)), unit: "ms", target: null},
                {measure: `conversations.${name}_p95`, value: round2(percentile(times, 0.95)), unit: "ms", target: "<= 50"}
            );
        };
        // What the sidebar waits for: the first page at a connect, and a page far down as the user scrolls.
        await time("list_first_page", () => handlers["chats.list"]({limit: chatPageSize}));
        const farDown = (await handlers["chats.list"]({limit: 500})).chats.at(-1)!;
        await time("list_page_after_500", () => handlers["chats.list"]({after: farDown, limit: chatPageSize}));
        await time("open_500_messages", async () => {
            const chat = await handlers["chats.get"]({chatId: longChatId});
            if (chat.messages.length !== longChatMessages)
                throw new Error(`The long chat has ${chat.messages.length} messages`);
        });
        await time("search_english", () => handlers["chats.search"]({query: "entanglement"}));
        await time("search_english_rare", () => handlers["chats.search"]({query: "zebra-7731"}));
        // Two letters, as typed before a pause: a prefix of the commonest words ("the", "think").
        await time("search_english_2_letters", () => handlers["chats.search"]({query: "th"}));
        await time("search_chinese_3_chars", () => handlers["chats.search"]({query: "量子力"}));
        await time("search_chinese_2_chars", () => handlers["chats.search"]({query: "纠缠"}));
        await time("search_chinese_2_chars_rare", () => handlers["chats.search"]({query: "麒麟"}));
        return measures;
    } finally {
        await core.dispose();
    }
}

const followUpContext = 8192;
const followUpRounds = 5;

/**
 * A follow-up in a conversation the model just answered evaluates only its new tokens, so its
 * time to first token should be close to a new chat's, whatever the conversation's length.
 * The new chats go first: each one replaces the conversation the context sequence holds.
 */
async function followUpBench(): Promise<Measure[]> {
    const {core, close, modelPath} = await openBenchCore({contextSize: followUpContext, chats: {generation: {maxTokens: 4, sampling: {temperature: 0}}}});
    try {
        const reply = async (chatId: string | undefined, text: string) => {
            const sent = await core.handlers["chats.send"](chatId == null ? {text} : {chatId, text});
            const message = await finished(core, sent.assistantMessage.id);
            if (message.stats == null || message.status === "error")
                throw new Error(`The reply failed: ${message.error}`);
            return {chatId: sent.chatId, ttft: message.stats.timeToFirstTokenMs};
        };
        const question = (round: number) => `What is the ${["first", "second", "third", "fourth", "fifth"][round]} thing to check?`;

        await reply(undefined, "Warm up.");
        const newChat: number[] = [];
        for (let round = 0; round < followUpRounds; round++)
            newChat.push((await reply(undefined, question(round))).ttft);

        const next = seededRandom(7);
        const longText = () => Array.from({length: 850}, () => benchWords[Math.floor(next() * benchWords.length)]).join(" ");
        const {chatId} = await reply(undefined, longText());
        await reply(chatId, longText());
        const followUp: number[] = [];
        for (let round = 0; round < followUpRounds; round++)
            followUp.push((await reply(chatId, question(round))).ttft);

        // The raw peer loads the same file itself: the app's loaded model doesn't hand out llama.cpp's.
        const llama = await openBenchLlama();
        const model = await llama.loadModel({modelPath});
        const conversationTokens = model.tokenize(
            (await core.handlers["chats.get"]({chatId})).messages.map((message) => message.text).join("\n"));
        const raw = await rawFollowUp(model, conversationTokens, model.tokenize(`<|im_start|>user\n${question(0)}<|im_end|>\n<|im_start|>assistant\n`, true)).finally(() => model.dispose());
        return [
            {measure: "followup.conversation_tokens", value: conversationTokens.length, unit: "tokens", target: null},
            {measure: "followup.new_chat_time_to_first_token", value: round2(median(newChat)), unit: "ms", target: null},
            {measure: "followup.follow_up_time_to_first_token", value: round2(median(followUp)), unit: "ms", target: null},
            {measure: "followup.follow_up_to_new_chat_ratio", value: round3(median(followUp) / median(newChat)), unit: "ratio", target: "<= 1.2"},
            {measure: "followup.raw_llama_cpp_new_prompt_first_token", value: round2(median(raw.fresh)), unit: "ms", target: null},
            {measure: "followup.raw_llama_cpp_after_conversation_first_token", value: round2(median(raw.after)), unit: "ms", target: null},
            {measure: "followup.raw_llama_cpp_ratio", value: round3(median(raw.after) / median(raw.fresh)), unit: "ratio", target: null}
        ];
    } finally {
        await close();
    }
}

/**
 * The floor under the follow-up ratio: raw llama.cpp evaluating the same short prompt after the
 * conversation already in a context, and in an empty one (two contexts, so the rounds can
 * alternate and share the machine's load). Attention over the kept conversation costs time even here.
 */
async function rawFollowUp(model: LlamaModel, conversation: Token[], prompt: Token[]) {
    const options = {contextSize: followUpContext, threads: availableParallelism()};
    const held = await model.createContext(options);
    const empty = await model.createContext(options);
    try {
        const [withConversation, fresh] = [held.getSequence(), empty.getSequence()];
        await withConversation.evaluateWithoutGeneratingNewTokens(conversation);
        const firstToken = async (sequence: LlamaContextSequence) => {
            const kept = sequence.nextTokenIndex;
            const startedAt = performance.now();
            const tokens = sequence.evaluate(prompt, {temperature: 0});
            await tokens.next();
            const ms = performance.now() - startedAt;
            await tokens.return();
            await sequence.eraseContextTokenRanges([{start: kept, end: sequence.nextTokenIndex}]);
            return ms;
        };
        await firstToken(fresh); // warms the empty context, as the prefill warmed the other
        const times = {after: [] as number[], fresh: [] as number[]};
        for (let round = 0; round < followUpRounds; round++) {
            times.after.push(await firstToken(withConversation));
            times.fresh.push(await firstToken(fresh));
        }
        return times;
    } finally {
        await held.dispose();
        await empty.dispose();
    }
}

function finished(core: PonderCore, messageId: string) {
    return new Promise<Message>((resolve) => {
        const unsubscribe = core.events.on((name, payload) => {
            const message = payload as Message;
            if (name === "chats.messageUpdated" && message.id === messageId && message.status !== "streaming") {
                unsubscribe();
                resolve(message);
            }
        });
    });
}

function percentile(values: readonly number[], fraction: number): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}
