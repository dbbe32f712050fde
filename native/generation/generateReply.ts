import {LlamaText, type ChatHistoryItem, type LlamaContextSequence, type LlamaModel, type Token, type TokenBias} from "node-llama-cpp";
import type {ChatFormat} from "../chatFormat/resolveChatFormat.ts";
import {languageLockBias, type LockedLanguage} from "./languageLock.ts";
import type {PromptTokenizer} from "./PromptTokenizer.ts";
import type {ReplyPriority} from "./SequenceScheduler.ts";
import {ThoughtSegmenter, type SegmentChunk} from "./ThoughtSegmenter.ts";
import {TokenTextDecoder} from "./TokenTextDecoder.ts";
import {PonderError} from "../../electron/contract/errors.ts";

export interface ConversationTurn {
    role: "system" | "user" | "assistant";
    text: string;
    /** An earlier answer's reasoning; sent back only where the chat wrapper keeps it. */
    reasoning?: string;
}

export interface SamplingOptions {
    /** 0 is greedy. Defaults to 0.6, QwQ's recommendation. */
    temperature?: number;
    topK?: number;
    topP?: number;
    minP?: number;
    seed?: number;
    /** OpenAI-style penalties on tokens already generated in this reply (-2 to 2). Off (0) by default. */
    frequencyPenalty?: number;
    presencePenalty?: number;
    /** llama.cpp's multiplicative repeat penalty over the same window; 1 (the default) is off. */
    repeatPenalty?: number;
}

/** What to do when the conversation leaves too little room for a reply. */
export type ContextOverflowPolicy = "dropOldest" | "stop";

export interface GenerateReplyOptions {
    turns: readonly ConversationTurn[];
    signal?: AbortSignal;
    /** Tokens generated at most (reasoning and answer together). Defaults to the room left in the context. */
    maxTokens?: number;
    /** Reasoning tokens at most; when spent, the reasoning is closed and the model answers. Unlimited when omitted. */
    thoughtBudget?: number;
    sampling?: SamplingOptions;
    tokenBias?: TokenBias;
    /** Suppresses the other script's tokens in reasoning and answer alike; ignored when `tokenBias` is given. */
    languageLock?: LockedLanguage;
    /**
     * `"stop"` (the default) throws `reply.conversationTooLong` when the conversation doesn't fit;
     * `"dropOldest"` leaves out the oldest exchanges (never a leading system turn, never the last
     * turn) until a quarter of the context, or `maxTokens` if less, is free for the reply.
     */
    contextOverflow?: ContextOverflowPolicy;
    /** Sends earlier answers' reasoning back to the model, even where the chat template drops it (QwQ's). Defaults to false. */
    keepEarlierReasoning?: boolean;
    /**
     * The last turn is an assistant reply that was cut short (stopped, interrupted): write its
     * continuation, reporting only the new text, instead of a new reply. Defaults to false.
     */
    continueLastTurn?: boolean;
    /** `"interactive"` (the default) for a person waiting at the keyboard, `"background"` for API clients: see {@link SequenceScheduler}. */
    priority?: ReplyPriority;
    /** While the reply waits for a free sequence: how many replies will start before it. */
    onQueuePosition?: (ahead: number) => void;
    onChunk?: (chunk: SegmentChunk) => void;
    /** After each generated token: the context tokens the conversation fills so far (the prompt and the reply, reasoning included). */
    onContextTokens?: (tokens: number) => void;
}

/** `stopped`: the signal aborted (a reply that never left the queue is stopped with nothing evaluated). */
export type ReplyStopReason = "finished" | "stopped" | "length";

export interface GenerateReplyResult {
    stopReason: ReplyStopReason;
    /** The thinking budget ran out and the reasoning was closed for the model. */
    thoughtCutByBudget: boolean;
    promptTokens: number;
    /** Earlier turns left out of the prompt by the `"dropOldest"` policy. */
    droppedTurns: number;
    /** Prompt tokens whose evaluation was kept from the previous reply. */
    reusedPromptTokens: number;
    thoughtTokens: number;
    answerTokens: number;
    /** When the first token was generated (`performance.now()`); absent when none was. */
    firstTokenAt?: number;
}

/**
 * Generates one assistant reply with a direct decode loop over the context sequence. The chat
 * wrapper writes the prompt; the loop itself is ours so that nothing per token stands between
 * llama.cpp and the caller but decoding and tag splitting, which keeps streaming at raw decode
 * speed and lets the thinking budget close the reasoning precisely.
 */
export async function generateReply(
    sequence: LlamaContextSequence,
    format: ChatFormat,
    prompt: FittedPrompt,
    options: GenerateReplyOptions
): Promise<GenerateReplyResult> {
    const {model} = sequence;
    const {tokens: promptTokens, stopTokens, startInThought, resumes, droppedTurns} = prompt;
    const room = sequence.contextSize - promptTokens.length;
    const tokenLimit = Math.min(options.maxTokens ?? Infinity, room - closingReserve);
    // Stopped between getting its sequence and starting: evaluating the prompt would be wasted.
    if (options.signal?.aborted)
        return stoppedBeforeStart(prompt);

    const reusedPromptTokens = await reuseEvaluatedPrefix(sequence, promptTokens);
    const decoder = new TokenTextDecoder(model);
    const segmenter = new ThoughtSegmenter({
        openTag: format.thoughtOpenTag,
        closeTag: format.thoughtCloseTag,
        startInThought,
        resumes
    });
    const emit = (chunks: SegmentChunk[]) => {
        for (const chunk of chunks)
            options.onChunk?.(chunk);
    };
    const closing = format.thoughtClosing == null
        ? undefined
        : {text: format.thoughtClosing.toString(), tokens: format.thoughtClosing.tokenize(model.tokenizer)};
    const {sampling = {}} = options;

    let stopReason: ReplyStopReason | undefined;
    let thoughtCutByBudget = false;
    let thoughtTokens = 0;
    let answerTokens = 0;
    let firstTokenAt: number | undefined;
    const penaltyTokens: Token[] = [];
    const penalized = Boolean(sampling.frequencyPenalty || sampling.presencePenalty || (sampling.repeatPenalty ?? 1) !== 1);
    const iterator = sequence.evaluate(promptTokens.slice(reusedPromptTokens), {
        temperature: sampling.temperature ?? 0.6,
        topK: sampling.topK,
        topP: sampling.topP,
        minP: sampling.minP,
        seed: sampling.seed,
        // When a batch can't take every sequence's tokens, a person's prompt goes before an API client's.
        evaluationPriority: options.priority === "background" ? 1 : 5,
        tokenBias: options.tokenBias ?? (options.languageLock == null ? undefined : languageLockBias(model, options.languageLock)),
        repeatPenalty: penalized
            ? {
                punishTokens: () => penaltyTokens.slice(-penaltyWindow),
                maxPunishTokens: penaltyWindow,
                penalty: sampling.repeatPenalty ?? 1,
                frequencyPenalty: sampling.frequencyPenalty,
                presencePenalty: sampling.presencePenalty
            }
            : undefined
    });
    try {
        let step = await iterator.next();
        while (!step.done) {
            const token = step.value;
            firstTokenAt ??= performance.now();
            if (options.signal?.aborted) {
                stopReason = "stopped";
                break;
            }
            if (stopTokens.has(token)) {
                stopReason = "finished";
                break;
            }
            const inThought = segmenter.isInThought();
            if (inThought && closing != null && options.thoughtBudget != null && thoughtTokens >= options.thoughtBudget) {
                // The budget is spent: drop this token and make the model read the end of its reasoning instead.
                emit(segmenter.push(decoder.flush() + closing.text));
                thoughtCutByBudget = true;
                step = await iterator.next(closing.tokens);
                continue;
            }
            const chunks = segmenter.push(decoder.push(token));
            if (penalized)
                penaltyTokens.push(token);
            // The token that opens a thought counts as reasoning, like the one that closes it.
            if (inThought || segmenter.isInThought())
                thoughtTokens++;
            else
                answerTokens++;
            // Counted before its text goes out, so the text's delta carries the count that includes it.
            options.onContextTokens?.(promptTokens.length + thoughtTokens + answerTokens);
            emit(chunks);
            if (thoughtTokens + answerTokens >= tokenLimit) {
                stopReason = "length";
                break;
            }
            step = await iterator.next();
        }
    } finally {
        await iterator.return();
    }
    emit(segmenter.push(decoder.flush()));
    emit(segmenter.end(stopReason != null && stopReason !== "finished"));

    return {
        stopReason: stopReason ?? "finished",
        thoughtCutByBudget,
        promptTokens: promptTokens.length,
        droppedTurns,
        reusedPromptTokens,
        thoughtTokens,
        answerTokens,
        ...(firstTokenAt == null ? {} : {firstTokenAt})
    };
}

/** A reply that never started: it left the queue, or was stopped before its prompt was evaluated. */
export function stoppedBeforeStart(prompt: FittedPrompt): GenerateReplyResult {
    return {
        stopReason: "stopped",
        thoughtCutByBudget: false,
        promptTokens: prompt.tokens.length,
        droppedTurns: prompt.droppedTurns,
        reusedPromptTokens: 0,
        thoughtTokens: 0,
        answerTokens: 0
    };
}

/** The latest generated tokens that presence and frequency penalties look at. */
const penaltyWindow = 1024;

/** Tokens kept free for closing a thought when the budget or the context runs out. */
const closingReserve = 16;

/** A reply's prompt, tokenized, after the overflow policy has had its say. */
export type FittedPrompt = ReturnType<typeof buildPrompt> & {droppedTurns: number};

/** The prompt for a context of `contextSize` tokens per sequence; throws a `reply.*TooLong` {@link PonderError} when it can't fit. */
export function fitPrompt(model: LlamaModel, contextSize: number, format: ChatFormat, options: GenerateReplyOptions, prompts: PromptTokenizer): FittedPrompt {
    const turns = [...options.turns];
    const keepFirst = turns[0]?.role === "system" ? 1 : 0;
    let prompt = buildPrompt(model, format, options, prompts);
    let droppedTurns = 0;
    if (options.contextOverflow === "dropOldest") {
        const wantedRoom = Math.max(closingReserve * 2, Math.min(options.maxTokens ?? Infinity, Math.floor(contextSize / 4)));
        while (contextSize - prompt.tokens.length < wantedRoom && turns.length - keepFirst > 1) {
            // An exchange goes as a whole: a user turn and the answers after it.
            let end = keepFirst + 1;
            while (end < turns.length - 1 && turns[end]!.role !== "user")
                end++;
            droppedTurns += end - keepFirst;
            turns.splice(keepFirst, end - keepFirst);
            prompt = buildPrompt(model, format, {...options, turns}, prompts);
        }
    }
    if (contextSize - prompt.tokens.length < 2)
        throw new PonderError(options.contextOverflow === "dropOldest" ? "reply.lastMessageTooLong" : "reply.conversationTooLong",
            {tokens: prompt.tokens.length, contextSize});
    return {...prompt, droppedTurns};
}

function buildPrompt(model: LlamaModel, format: ChatFormat, options: GenerateReplyOptions, prompts: PromptTokenizer) {
    const {tokenizer} = model;
    const turns = [...options.turns];
    const continued = options.continueLastTurn && turns.at(-1)?.role === "assistant" ? turns.pop() : undefined;
    const chatHistory: ChatHistoryItem[] = turns.map(toHistoryItem);
    chatHistory.push({type: "model", response: []});
    const wrapper = options.keepEarlierReasoning ? format.wrapperKeepingReasoning : format.wrapper;
    const state = wrapper.generateContextState({chatHistory});
    let text = state.contextText;
    const {thoughtPrefill, thoughtOpenTag} = format;
    const opensThought = thoughtPrefill != null && !text.toString().trimEnd().endsWith(thoughtOpenTag ?? "");
    const reasoning = continued?.reasoning ?? "";
    const resumes = continued != null && (continued.text !== "" || reasoning !== "");
    const continuesThought = resumes && continued.text === "";
    if (resumes) {
        // The cut-short reply is written back as the model wrote it (the wrappers would trim or
        // close it), so the model reads the same tokens it stopped after and goes on from there.
        const opening = reasoning === "" ? "" : thoughtPrefill != null
            ? (opensThought ? thoughtPrefill : "")
            : (thoughtOpenTag == null ? "" : thoughtOpenTag + "\n");
        const closing = continuesThought || reasoning === "" || format.thoughtClosing == null ? "" : LlamaText(["\n", format.thoughtClosing]);
        text = LlamaText([text, opening, reasoning, closing, continued.text]);
    } else if (opensThought && thoughtPrefill != null)
        text = LlamaText([text, thoughtPrefill]);
    const stopTokens = new Set<Token>();
    for (const trigger of state.stopGenerationTriggers) {
        const triggerTokens = trigger.tokenize(tokenizer);
        if (triggerTokens.length === 1)
            stopTokens.add(triggerTokens[0]!);
    }
    const startInThought = resumes ? continuesThought : format.thoughtPrefill != null;
    return {tokens: prompts.tokenize(text), stopTokens, startInThought, resumes};
}

function toHistoryItem(turn: ConversationTurn): ChatHistoryItem {
    if (turn.role === "system")
        return {type: "system", text: turn.text};
    if (turn.role === "user")
        return {type: "user", text: turn.text};
    return {
        type: "model",
        response: turn.reasoning
            ? [{type: "segment", segmentType: "thought", text: turn.reasoning, ended: true}, turn.text]
            : [turn.text]
    };
}

/**
 * Keeps the evaluated state of the longest common prefix with the previous reply, so a
 * follow-up costs only its new tokens. At least one token is always evaluated anew, since a
 * reply is sampled from the last evaluated token's output.
 */
async function reuseEvaluatedPrefix(sequence: LlamaContextSequence, promptTokens: Token[]): Promise<number> {
    const {firstDifferentIndex} = sequence.compareContextTokens(promptTokens);
    const keep = Math.min(firstDifferentIndex, promptTokens.length - 1);
    if (keep < sequence.nextTokenIndex)
        await sequence.eraseContextTokenRanges([{start: keep, end: sequence.nextTokenIndex}]);
    return keep;
}
