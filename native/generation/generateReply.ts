import {LlamaText, type ChatHistoryItem, type LlamaContextSequence, type Token, type TokenBias} from "node-llama-cpp";
import type {ChatFormat} from "../chatFormat/resolveChatFormat.ts";
import {ThoughtSegmenter, type SegmentChunk} from "./ThoughtSegmenter.ts";
import {TokenTextDecoder} from "./TokenTextDecoder.ts";

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
}

export interface GenerateReplyOptions {
    turns: readonly ConversationTurn[];
    signal?: AbortSignal;
    /** Tokens generated at most (reasoning and answer together). Defaults to the room left in the context. */
    maxTokens?: number;
    /** Reasoning tokens at most; when spent, the reasoning is closed and the model answers. Unlimited when omitted. */
    thoughtBudget?: number;
    sampling?: SamplingOptions;
    tokenBias?: TokenBias;
    onChunk?: (chunk: SegmentChunk) => void;
}

export type ReplyStopReason = "finished" | "stopped" | "length";

export interface GenerateReplyResult {
    stopReason: ReplyStopReason;
    /** The thinking budget ran out and the reasoning was closed for the model. */
    thoughtCutByBudget: boolean;
    promptTokens: number;
    /** Prompt tokens whose evaluation was kept from the previous reply. */
    reusedPromptTokens: number;
    thoughtTokens: number;
    answerTokens: number;
    timeToFirstTokenMs: number;
    tokensPerSecond: number;
}

/** The user-facing reason a conversation can't be answered in the model's context. */
export class ContextOverflowError extends Error {
    override readonly name = "ContextOverflowError";
}

/**
 * Generates one assistant reply with a direct decode loop over the context sequence. The chat
 * wrapper writes the prompt; the loop itself is ours so that nothing per token stands between
 * llama.cpp and the caller but decoding and tag splitting, which keeps streaming at raw decode
 * speed and lets the thinking budget close the reasoning precisely.
 */
export async function generateReply(sequence: LlamaContextSequence, format: ChatFormat, options: GenerateReplyOptions): Promise<GenerateReplyResult> {
    const startedAt = performance.now();
    const {model} = sequence;
    const {tokens: promptTokens, stopTokens} = buildPrompt(sequence, format, options.turns);
    const room = sequence.contextSize - promptTokens.length;
    if (room < 2)
        throw new ContextOverflowError(`This conversation (${promptTokens.length} tokens) doesn't fit in the model's context of ${sequence.contextSize} tokens.`);
    const tokenLimit = Math.min(options.maxTokens ?? Infinity, room - closingReserve);

    const reusedPromptTokens = await reuseEvaluatedPrefix(sequence, promptTokens);
    const decoder = new TokenTextDecoder(model);
    const segmenter = new ThoughtSegmenter({
        openTag: format.thoughtOpenTag,
        closeTag: format.thoughtCloseTag,
        startInThought: format.thoughtPrefill != null
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
    const iterator = sequence.evaluate(promptTokens.slice(reusedPromptTokens), {
        temperature: sampling.temperature ?? 0.6,
        topK: sampling.topK,
        topP: sampling.topP,
        minP: sampling.minP,
        seed: sampling.seed,
        tokenBias: options.tokenBias
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
            emit(segmenter.push(decoder.push(token)));
            // The token that opens a thought counts as reasoning, like the one that closes it.
            if (inThought || segmenter.isInThought())
                thoughtTokens++;
            else
                answerTokens++;
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
    emit(segmenter.end());

    const endedAt = performance.now();
    const generated = thoughtTokens + answerTokens;
    const decodeSeconds = firstTokenAt == null ? 0 : (endedAt - firstTokenAt) / 1000;
    return {
        stopReason: stopReason ?? "finished",
        thoughtCutByBudget,
        promptTokens: promptTokens.length,
        reusedPromptTokens,
        thoughtTokens,
        answerTokens,
        timeToFirstTokenMs: (firstTokenAt ?? endedAt) - startedAt,
        tokensPerSecond: generated > 1 && decodeSeconds > 0 ? (generated - 1) / decodeSeconds : 0
    };
}

/** Tokens kept free for closing a thought when the budget or the context runs out. */
const closingReserve = 16;

function buildPrompt(sequence: LlamaContextSequence, format: ChatFormat, turns: readonly ConversationTurn[]) {
    const {tokenizer} = sequence.model;
    const chatHistory: ChatHistoryItem[] = turns.map(toHistoryItem);
    chatHistory.push({type: "model", response: []});
    const state = format.wrapper.generateContextState({chatHistory});
    let text = state.contextText;
    if (format.thoughtPrefill != null && !text.toString().trimEnd().endsWith(format.thoughtOpenTag ?? ""))
        text = LlamaText([text, format.thoughtPrefill]);
    const stopTokens = new Set<Token>();
    for (const trigger of state.stopGenerationTriggers) {
        const triggerTokens = trigger.tokenize(tokenizer);
        if (triggerTokens.length === 1)
            stopTokens.add(triggerTokens[0]!);
    }
    return {tokens: text.tokenize(tokenizer), stopTokens};
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
