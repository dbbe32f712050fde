import type {AssistantPart, DetectedToolCall, ToolDefinition} from "../../../native/index.ts";
import type {GenerationSettingName, ReplyLimit} from "../../contract.ts";

export type {AssistantPart, DetectedToolCall, ReplyLimit, ToolDefinition};

/** One turn of the conversation a reply answers. */
export interface ReplyTurn {
    role: "system" | "user" | "assistant";
    text: string;
    /** An earlier answer's reasoning; sent back only where the engine and the chat keep it. */
    reasoning?: string;
    /** An assistant turn that called tools, in order (replaces `text` and `reasoning`); ending with a call, it is continued after the result. */
    parts?: readonly AssistantPart[];
}

export interface ReplySampling {
    /** 0 is greedy. */
    temperature?: number;
    topK?: number;
    topP?: number;
    minP?: number;
    seed?: number;
    frequencyPenalty?: number;
    presencePenalty?: number;
    /** 1 is off. */
    repeatPenalty?: number;
}

/**
 * Whose reply it is: the person at the keyboard (a desktop chat) or a program (an API client).
 * Interactive replies are served first, and never wait behind background ones.
 */
export type ReplyPriority = "interactive" | "background";

/**
 * What a reply is asked to be, in the core's own terms: chats and the `/v1` API both build one,
 * and each engine turns it into what it runs (native's options, an HTTP request). What an
 * engine can't do is declared in its {@link EngineCapabilities}, never silently dropped.
 */
export interface ReplyRequest {
    turns: readonly ReplyTurn[];
    priority: ReplyPriority;
    /** The chat the reply belongs to; a local model keeps its evaluated state for it. */
    conversation?: string;
    /** Tokens generated at most (reasoning and answer together). */
    maxTokens?: number;
    /** Reasoning tokens at most; then the reasoning is closed and the model answers. */
    reasoningBudget?: number;
    /** "Answer now": when it aborts while the model reasons, the reasoning is closed and the model answers (where {@link EngineCapabilities.answersNow}). */
    answerNow?: AbortSignal;
    sampling?: ReplySampling;
    /** Suppresses the other script's tokens. */
    languageLock?: "english" | "chinese";
    /** What to do when the conversation leaves too little room for the reply. */
    contextOverflow?: "dropOldest" | "stop";
    /** Sends earlier answers' reasoning back to the model. */
    keepEarlierReasoning?: boolean;
    /** The last turn is an answer cut short: write its continuation instead of a new reply. */
    continueLastTurn?: boolean;
    /** Tools the model may call, by the name it calls them; calls end the reply as `toolCall`. */
    tools?: Readonly<Record<string, ToolDefinition>>;
}

/** What an engine reports while it writes a reply. */
export interface ReplyListener {
    onChunk(segment: "reasoning" | "answer", text: string): void;
    /** The context tokens the conversation fills so far (prompt and reply), where the engine counts them. */
    onContextTokens?(tokens: number): void;
    /** While the reply waits for the engine: how many replies start before it. */
    onQueuePosition?(ahead: number): void;
}

/** How a reply ended, as the engine counted it. */
export interface EngineReply {
    /** `toolCall`: the model called tools ({@link toolCalls}) and waits for their results. */
    stopReason: "finished" | "stopped" | "length" | "toolCall";
    /** The reasoning budget ran out and the reasoning was closed for the model. */
    reasoningCutByBudget: boolean;
    /** For a `length` reply, the limit it reached, where the engine knows it. */
    limit?: ReplyLimit;
    promptTokens: number;
    /** Earlier turns left out of the prompt to fit the context. */
    droppedTurns: number;
    /** Prompt tokens whose evaluation was kept from an earlier reply. */
    reusedPromptTokens: number;
    reasoningTokens: number;
    answerTokens: number;
    /** When the first token came (`performance.now()`); absent when none did. */
    firstTokenAt?: number;
    /** The calls that ended the reply, in order; their text was not reported as reasoning or answer. */
    toolCalls?: readonly DetectedToolCall[];
    /** Time spent on tool calls (asking the user, running them) between the first token and the end. */
    toolMs?: number;
    /** With a draft model: the drafted tokens the model accepted, of those it was offered to check. */
    draft?: {accepted: number; drafted: number};
}

/** What an engine can do, so the UI can say when a setting doesn't apply to it. */
export interface EngineCapabilities {
    /** Settings the engine can't apply: replies go without them. */
    unsupportedSettings: readonly GenerationSettingName[];
    /** Whether it can write on where a cut-short answer ended ({@link ReplyRequest.continueLastTurn}). */
    continuesReplies: boolean;
    /** Whether it can close the reasoning on request ({@link ReplyRequest.answerNow}). */
    answersNow: boolean;
    /** Whether the model can call tools ({@link ReplyRequest.tools}): its chat template has a tool-call form Ponder reads. */
    callsTools: boolean;
}

/**
 * What writes an assistant reply: a model loaded here or a model served by a remote engine.
 * Chats and the OpenAI-compatible API only ever see this shape. Replies run concurrently;
 * an engine queues what it can't run at once.
 */
export interface ReplyEngine {
    readonly capabilities: EngineCapabilities;
    /** Ends as `stopped` when `signal` aborts, also while the reply still waits to start. */
    generate(request: ReplyRequest, listener: ReplyListener, signal: AbortSignal): Promise<EngineReply>;
    dispose(): Promise<void>;
}

/** The model replies currently go to, and its id. */
export interface ActiveModel {
    modelId: string;
    model: ReplyEngine;
    /**
     * How the `/v1` API names it: a short id that stays the same across loads (never a path or an
     * engine's internal id) and the display name. Without it, the API uses `modelId`.
     */
    api?: {id: string; name: string};
}

/** A draft's counts over two parts of one reply (tool rounds, a continuation); nothing when neither had a draft. */
export function addDraftCounts(first: EngineReply["draft"], second: EngineReply["draft"]): {draft?: {accepted: number; drafted: number}} {
    if (first == null && second == null)
        return {};
    return {draft: {accepted: (first?.accepted ?? 0) + (second?.accepted ?? 0), drafted: (first?.drafted ?? 0) + (second?.drafted ?? 0)}};
}
