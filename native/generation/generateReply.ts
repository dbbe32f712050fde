import {LlamaText, SpecialTokensText, type ChatHistoryItem, type ChatModelFunctions, type ChatModelResponse, type GbnfJsonSchema, type LlamaContextSequence, type LlamaModel, type Token} from "node-llama-cpp";
import type {ChatFormat} from "../chatFormat/resolveChatFormat.ts";
import type {ContextGate} from "./ContextGate.ts";
import {languageLockBias, type LockedLanguage} from "./languageLock.ts";
import {llamaTokenBias, type TokenBiases} from "./tokenBiases.ts";
import type {PromptTokenizer} from "./PromptTokenizer.ts";
import type {ReplyPriority} from "./SequenceScheduler.ts";
import {ReasoningSegmenter, type SegmentChunk} from "./ReasoningSegmenter.ts";
import {ToolCallDetector, type DetectedToolCall} from "./ToolCallDetector.ts";
import {TokenTextDecoder} from "./TokenTextDecoder.ts";
import {PonderError} from "../../electron/contract/errors.ts";

export interface ConversationTurn {
    role: "system" | "user" | "assistant";
    text: string;
    /** An earlier answer's reasoning; sent back only where the chat wrapper keeps it. */
    reasoning?: string;
    /**
     * An assistant turn that called tools, in the order it was written (it replaces `text` and
     * `reasoning`). A last turn that ends with a call is continued after the call's result.
     */
    parts?: readonly AssistantPart[];
}

/** A piece of an assistant turn that used tools. */
export type AssistantPart =
    | {type: "reasoning"; text: string; ended: boolean}
    | {type: "text"; text: string}
    /**
     * A call with the result it was given; `body` is the text the model wrote between the call
     * tags, absent for a call told by an API client (the template then writes it in its own form).
     */
    | {type: "toolCall"; body?: string; name: string; arguments?: unknown; result: string};

/** A tool the model may call: its JSON Schema parameters, as the chat template shows them. */
export interface ToolDefinition {
    description?: string;
    parameters?: Record<string, unknown>;
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
    reasoningBudget?: number;
    /** When it aborts while the model reasons ("Answer now"), the reasoning is closed as the budget closes it and the model answers. */
    answerNow?: AbortSignal;
    sampling?: SamplingOptions;
    /** Steers sampling: token id → a logit offset, or `"never"`. */
    tokenBias?: TokenBiases;
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
    /** Tools the model may call, by name; ignored for a model whose format has no tool calls. A call ends the reply as `toolCall`. */
    tools?: Readonly<Record<string, ToolDefinition>>;
    /**
     * The chat this reply belongs to: its evaluated state is kept for it (in its sequence, or in
     * the loaded model's state store) so that coming back to it evaluates only what's new.
     */
    conversation?: string;
    /** `"interactive"` (the default) for a person waiting at the keyboard, `"background"` for API clients: see {@link SequenceScheduler}. */
    priority?: ReplyPriority;
    /** While the reply waits for a free sequence: how many replies will start before it. */
    onQueuePosition?: (ahead: number) => void;
    onChunk?: (chunk: SegmentChunk) => void;
    /** After each generated token: the context tokens the conversation fills so far (the prompt and the reply, reasoning included). */
    onContextTokens?: (tokens: number) => void;
}

/**
 * `stopped`: the signal aborted (a reply that never left the queue is stopped with nothing
 * evaluated); `toolCall`: the model called tools ({@link GenerateReplyResult.toolCalls}) and
 * waits for their results.
 */
export type ReplyStopReason = "finished" | "stopped" | "length" | "toolCall";

/** The limit a reply cut by length reached: `maxTokens` (the request's), or `context` (the sequence's size). */
export interface ReplyLimit {
    name: "maxTokens" | "context";
    tokens: number;
}

export interface GenerateReplyResult {
    stopReason: ReplyStopReason;
    /** The reasoning budget ran out and the reasoning was closed for the model. */
    reasoningCutByBudget: boolean;
    /** Which limit a `length` reply reached, and its size in tokens: Max tokens, or the room left in the context. */
    limit?: ReplyLimit;
    promptTokens: number;
    /** Earlier turns left out of the prompt by the `"dropOldest"` policy. */
    droppedTurns: number;
    /** Prompt tokens whose evaluation was kept from the previous reply. */
    reusedPromptTokens: number;
    reasoningTokens: number;
    answerTokens: number;
    /** When the first token was generated (`performance.now()`); absent when none was. */
    firstTokenAt?: number;
    /** The calls that ended the reply (`toolCall`), in the order written; their text was not reported as reasoning or answer. */
    toolCalls?: readonly DetectedToolCall[];
    /** With a draft model: drafted tokens the model confirmed, of all it checked, in this reply. */
    draft?: {accepted: number; drafted: number};
}

/**
 * Generates one assistant reply with a direct decode loop over the context sequence. The chat
 * wrapper writes the prompt; the loop itself is ours so that nothing per token stands between
 * llama.cpp and the caller but decoding and tag splitting, which keeps streaming at raw decode
 * speed and lets the reasoning budget close the reasoning precisely. `releaseGate`, when the
 * caller holds the gate for this reply (an interactive one, see LoadedModel.generate), is called
 * once its first token is sampled.
 */
export async function generateReply(
    sequence: LlamaContextSequence,
    format: ChatFormat,
    prompt: FittedPrompt,
    options: GenerateReplyOptions,
    gate: ContextGate,
    releaseGate?: () => void
): Promise<GenerateReplyResult> {
    const {model} = sequence;
    const {tokens: promptTokens, stopTokens, startInReasoning, resumes, droppedTurns} = prompt;
    const room = sequence.contextSize - promptTokens.length;
    const tokenLimit = Math.min(options.maxTokens ?? Infinity, room - closingReserve);
    const limit: ReplyLimit = options.maxTokens != null && options.maxTokens <= room - closingReserve
        ? {name: "maxTokens", tokens: options.maxTokens}
        : {name: "context", tokens: sequence.contextSize};
    // Stopped between getting its sequence and starting: evaluating the prompt would be wasted.
    if (options.signal?.aborted)
        return stoppedBeforeStart(prompt);

    const reusedPromptTokens = await reuseEvaluatedPrefix(sequence, promptTokens, gate);
    const lastSlice = await evaluatePromptBeforeLastSlice(sequence, promptTokens, reusedPromptTokens, options);
    if (options.signal?.aborted)
        return {...stoppedBeforeStart(prompt), reusedPromptTokens};
    const decoder = new TokenTextDecoder(model);
    const segmenter = new ReasoningSegmenter({
        openTag: format.reasoningOpenTag,
        closeTag: format.reasoningCloseTag,
        startInReasoning,
        resumes
    });
    const detector = format.toolCallTags == null || options.tools == null ? undefined : new ToolCallDetector(format.toolCallTags);
    const emit = (segmented: SegmentChunk[]) => {
        for (const chunk of detector?.push(segmented) ?? segmented)
            options.onChunk?.(chunk);
    };
    /** Whole calls so far: the reply ends as `toolCall` however its generation stops. */
    const calledTools = () => (detector?.calls.length ?? 0) > 0;
    const closing = format.reasoningClosing == null
        ? undefined
        : {text: format.reasoningClosing.toString(), tokens: format.reasoningClosing.tokenize(model.tokenizer)};
    const {sampling = {}} = options;

    let stopReason: ReplyStopReason | undefined;
    let reasoningCutByBudget = false;
    let reasoningTokens = 0;
    let answerTokens = 0;
    let firstTokenAt: number | undefined;
    const penaltyTokens: Token[] = [];
    const penalized = Boolean(sampling.frequencyPenalty || sampling.presencePenalty || (sampling.repeatPenalty ?? 1) !== 1);
    // Prompt lookup drafts from the conversation: what to look the reply's last tokens up in.
    sequence.tokenPredictor?.updateInputTokens?.(promptTokens);
    const iterator = sequence.evaluate(lastSlice, {
        temperature: sampling.temperature ?? 0.6,
        topK: sampling.topK,
        topP: sampling.topP,
        minP: sampling.minP,
        seed: sampling.seed,
        evaluationPriority: evaluationPriorityOf(options),
        tokenBias: options.tokenBias != null
            ? llamaTokenBias(model, options.tokenBias)
            : options.languageLock == null ? undefined : languageLockBias(model, options.languageLock),
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
        let step: IteratorResult<Token, void>;
        try {
            step = await iterator.next();
        } finally {
            releaseGate?.();
        }
        while (!step.done) {
            const token = step.value;
            firstTokenAt ??= performance.now();
            if (options.signal?.aborted) {
                stopReason = "stopped";
                break;
            }
            if (stopTokens.has(token)) {
                stopReason = calledTools() ? "toolCall" : "finished";
                break;
            }
            const inReasoning = segmenter.isInReasoning();
            const budgetSpent = options.reasoningBudget != null && reasoningTokens >= options.reasoningBudget;
            if (inReasoning && closing != null && (budgetSpent || options.answerNow?.aborted)) {
                // Drop this token and make the model read the end of its reasoning instead.
                emit(segmenter.push(decoder.flush() + closing.text));
                reasoningCutByBudget ||= budgetSpent;
                await gate.pause();
                step = await iterator.next(closing.tokens);
                continue;
            }
            const chunks = segmenter.push(decoder.push(token));
            if (penalized)
                penaltyTokens.push(token);
            // The token that opens the reasoning counts as reasoning, like the one that closes it.
            if (inReasoning || segmenter.isInReasoning())
                reasoningTokens++;
            else
                answerTokens++;
            // Counted before its text goes out, so the text's delta carries the count that includes it.
            options.onContextTokens?.(promptTokens.length + reasoningTokens + answerTokens);
            emit(chunks);
            // Generation goes on after a call for the ones that may follow it; anything else ends the calls.
            if (detector?.ended) {
                stopReason = "toolCall";
                break;
            }
            if (reasoningTokens + answerTokens >= tokenLimit) {
                stopReason = calledTools() ? "toolCall" : "length";
                break;
            }
            // Another reply waiting to erase its sequence goes first (see ContextGate).
            await gate.pause();
            step = await iterator.next();
        }
    } finally {
        await iterator.return();
    }
    const toolCalls = detector?.calls ?? [];
    if (toolCalls.length === 0) {
        emit(segmenter.push(decoder.flush()));
        emit(segmenter.end(stopReason != null && stopReason !== "finished"));
        for (const chunk of detector?.end() ?? [])
            options.onChunk?.(chunk);
    }

    return {
        stopReason: stopReason ?? (toolCalls.length > 0 ? "toolCall" : "finished"),
        reasoningCutByBudget,
        promptTokens: promptTokens.length,
        droppedTurns,
        reusedPromptTokens,
        reasoningTokens,
        answerTokens,
        ...(firstTokenAt == null ? {} : {firstTokenAt}),
        ...(toolCalls.length === 0 ? {} : {toolCalls}),
        ...(stopReason === "length" ? {limit} : {})
    };
}

/** A reply that never started: it left the queue, or was stopped before its prompt was evaluated. */
export function stoppedBeforeStart(prompt: FittedPrompt): GenerateReplyResult {
    return {
        stopReason: "stopped",
        reasoningCutByBudget: false,
        promptTokens: prompt.tokens.length,
        droppedTurns: prompt.droppedTurns,
        reusedPromptTokens: 0,
        reasoningTokens: 0,
        answerTokens: 0
    };
}

/** The latest generated tokens that presence and frequency penalties look at. */
const penaltyWindow = 1024;

/** Tokens kept free for closing the reasoning when the budget or the context runs out. */
const closingReserve = 16;

/** A reply's prompt, tokenized, after the overflow policy has had its say. */
export type FittedPrompt = Awaited<ReturnType<typeof buildPrompt>> & {droppedTurns: number};

/** The prompt for a context of `contextSize` tokens per sequence; throws a `reply.*TooLong` {@link PonderError} when it can't fit. */
export async function fitPrompt(model: LlamaModel, contextSize: number, format: ChatFormat, options: GenerateReplyOptions, prompts: PromptTokenizer): Promise<FittedPrompt> {
    const turns = [...options.turns];
    const keepFirst = turns[0]?.role === "system" ? 1 : 0;
    let prompt = await buildPrompt(model, format, options, prompts);
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
            prompt = await buildPrompt(model, format, {...options, turns}, prompts);
        }
    }
    if (contextSize - prompt.tokens.length < 2)
        throw new PonderError(options.contextOverflow === "dropOldest" ? "reply.lastMessageTooLong" : "reply.conversationTooLong",
            {tokens: prompt.tokens.length, contextSize});
    return {...prompt, droppedTurns};
}

async function buildPrompt(model: LlamaModel, format: ChatFormat, options: GenerateReplyOptions, prompts: PromptTokenizer) {
    const {tokenizer} = model;
    const turns = [...options.turns];
    const continued = options.continueLastTurn && turns.at(-1)?.role === "assistant" ? turns.pop() : undefined;
    const chatHistory: ChatHistoryItem[] = turns.map((turn) => toHistoryItem(turn, format));
    // A last turn that ends with a tool call goes on after its result, in the same turn.
    const afterToolResult = turns.at(-1)?.parts?.at(-1)?.type === "toolCall";
    if (!afterToolResult)
        chatHistory.push({type: "model", response: []});
    const wrapper = options.keepEarlierReasoning ? format.wrapperKeepingReasoning : format.wrapper;
    const state = wrapper.generateContextState({chatHistory, availableFunctions: availableFunctions(format, options.tools)});
    let text = state.contextText;
    const {reasoningPrefill, reasoningOpenTag} = format;
    const endsInOpenReasoning = reasoningOpenTag != null && text.toString().trimEnd().endsWith(reasoningOpenTag);
    const opensReasoning = reasoningPrefill != null && !endsInOpenReasoning;
    const reasoning = continued?.reasoning ?? "";
    const resumes = continued != null && (continued.text !== "" || reasoning !== "");
    const continuesReasoning = resumes && continued.text === "";
    if (resumes) {
        // The cut-short reply is written back as the model wrote it (the wrappers would trim or
        // close it), so the model reads the same tokens it stopped after and goes on from there.
        const opening = reasoning === "" ? "" : reasoningPrefill != null
            ? (opensReasoning ? reasoningPrefill : "")
            : (reasoningOpenTag == null ? "" : reasoningOpenTag + "\n");
        const closing = continuesReasoning || reasoning === "" || format.reasoningClosing == null ? "" : LlamaText(["\n", format.reasoningClosing]);
        text = LlamaText([text, opening, reasoning, closing, continued.text]);
    } else if (opensReasoning && reasoningPrefill != null)
        text = LlamaText([text, reasoningPrefill]);
    const stopTokens = new Set<Token>();
    for (const trigger of state.stopGenerationTriggers) {
        const triggerTokens = trigger.tokenize(tokenizer);
        if (triggerTokens.length === 1)
            stopTokens.add(triggerTokens[0]!);
    }
    const startInReasoning = resumes ? continuesReasoning : format.reasoningPrefill != null || endsInOpenReasoning;
    return {tokens: await prompts.tokenize(text), stopTokens, startInReasoning, resumes};
}

function toHistoryItem(turn: ConversationTurn, format: ChatFormat): ChatHistoryItem {
    if (turn.role === "system")
        return {type: "system", text: turn.text};
    if (turn.role === "user")
        return {type: "user", text: turn.text};
    if (turn.parts != null)
        return {type: "model", response: turn.parts.map((part) => responseItem(part, format))};
    return {
        type: "model",
        response: turn.reasoning
            ? [{type: "segment", segmentType: "thought", text: turn.reasoning, ended: true}, turn.text]
            : [turn.text]
    };
}

function responseItem(part: AssistantPart, format: ChatFormat): ChatModelResponse["response"][number] {
    if (part.type === "reasoning")
        return {type: "segment", segmentType: "thought", text: part.text, ended: part.ended};
    if (part.type === "text")
        return part.text;
    const tags = format.toolCallTags ?? {open: "", close: ""};
    return {
        type: "functionCall",
        name: part.name,
        params: part.arguments,
        result: part.result,
        // Written back exactly as the model wrote it, so the model reads its own tokens again.
        ...(part.body == null ? {} : {rawCall: LlamaText([new SpecialTokensText(tags.open), part.body, new SpecialTokensText(tags.close)]).toJSON()})
    };
}

/** The tools in the form the chat wrapper documents them in the prompt; none for a format without tool calls. */
function availableFunctions(format: ChatFormat, tools: GenerateReplyOptions["tools"]): ChatModelFunctions | undefined {
    if (format.toolCallTags == null || tools == null || Object.keys(tools).length === 0)
        return undefined;
    return Object.fromEntries(Object.entries(tools).map(([name, tool]) => [name, {
        ...(tool.description == null ? {} : {description: tool.description}),
        // MCP and OpenAI give JSON Schema; the wrapper only prints it.
        ...(tool.parameters == null ? {} : {params: tool.parameters as GbnfJsonSchema})
    }]));
}

/** When a batch can't take every sequence's tokens, a person's prompt goes before an API client's. */
function evaluationPriorityOf(options: GenerateReplyOptions) {
    return options.priority === "background" ? 1 : 5;
}

/**
 * Evaluates a long prompt a batch at a time, checking between batches whether the reply was
 * stopped (`chats.stop`, an API client gone): a long prompt on a big model takes seconds, which a
 * stopped reply shouldn't pay. Returns the last batch's tokens, for generation to start from; a
 * prompt of one batch or less is returned whole, so a short prompt costs no extra decode.
 */
async function evaluatePromptBeforeLastSlice(sequence: LlamaContextSequence, promptTokens: Token[], reused: number, options: GenerateReplyOptions): Promise<Token[]> {
    const sliceSize = sequence.context.batchSize;
    const evaluationPriority = evaluationPriorityOf(options);
    let start = reused;
    while (promptTokens.length - start > sliceSize && !options.signal?.aborted) {
        await sequence.evaluateWithoutGeneratingNewTokens(promptTokens.slice(start, start + sliceSize), {evaluationPriority});
        start += sliceSize;
    }
    return promptTokens.slice(start);
}

/**
 * Keeps the evaluated state of the longest common prefix with the previous reply, so a
 * follow-up costs only its new tokens. At least one token is always evaluated anew, since a
 * reply is sampled from the last evaluated token's output.
 */
async function reuseEvaluatedPrefix(sequence: LlamaContextSequence, promptTokens: Token[], gate: ContextGate): Promise<number> {
    const {firstDifferentIndex} = sequence.compareContextTokens(promptTokens);
    const keep = Math.min(firstDifferentIndex, promptTokens.length - 1);
    if (keep < sequence.nextTokenIndex)
        await gate.hold(() => sequence.eraseContextTokenRanges([{start: keep, end: sequence.nextTokenIndex}]));
    return keep;
}
