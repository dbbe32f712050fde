import {failureOf, PonderError} from "../../contract/errors.ts";
import type {Attachment, ChatReplyState, ChatSummary, DocumentIndexing, Message, MessageSource, MessageToolCall, ToolConsent} from "../../contract.ts";
import {passagesText, type DocumentRetrieval} from "../documents/DocumentRetrieval.ts";
import {RetrievingEngine} from "../documents/RetrievingEngine.ts";
import type {EventBus} from "../events/EventBus.ts";
import {Logger} from "../logging/Logger.ts";
import type {ActiveModel, ReplyEngine, ReplyRequest, ReplyTurn} from "../replies/ReplyEngine.ts";
import {ToolLoop} from "../tools/ToolLoop.ts";
import type {ToolServers} from "../tools/ToolServers.ts";
import {ReplyStreamer, type FinishedReply, type ReplyText} from "../replies/ReplyStreamer.ts";
import type {ChatRepository} from "./ChatRepository.ts";

/** Generation settings every chat reply starts from. */
export type GenerationDefaults = Pick<ReplyRequest, "maxTokens" | "reasoningBudget" | "sampling" | "languageLock" | "contextOverflow">;

export interface ChatRepliesOptions {
    /** At most one delta event per stream per this many ms. Defaults to 33 (30 a second). */
    deltaIntervalMs?: number;
    /** A streaming message is written to the database at least this often. Defaults to 500. */
    saveIntervalMs?: number;
    /** Generation settings for every reply (per-model and per-chat settings build on these). */
    generation?: GenerationDefaults;
    /** The user's settings for a reply in a chat (SettingsService); `generation` overrides them. */
    replySettings?: (modelId: string, chatId: string, turns: readonly ReplyTurn[]) => GenerationDefaults;
    /** Failed replies are logged here with their cause (never the conversation's text). */
    logger?: Logger;
    /** MCP tools, offered in a chat whose "Use tools" setting is on (and whose model can call them). */
    tools?: {servers: ToolServers; enabledFor(modelId: string, chatId: string): boolean};
    /** An attached document's text as the model reads it, put before its question. */
    attachmentText?: (attachment: Attachment) => string;
    /** Retrieval over documents too long for the context; without it, documents always go in whole. */
    documents?: {
        retrieval: DocumentRetrieval;
        /** The context tokens of the model replies go to, when it runs here (a remote engine's is unknown: documents go whole). */
        contextSize(active: ActiveModel): number | undefined;
    };
}

/** Documents that take more than this share of the context are searched instead of included whole. */
const documentShare = 0.5;
/** The share of the context the chosen passages may fill. */
const passageShare = 0.35;

interface RunningReply {
    controller: AbortController;
    /** Aborted by "Answer now": the reasoning is closed and the model answers. */
    answerNow: AbortController;
    streamer: ReplyStreamer;
    /** The streaming message as stored when the reply started. */
    message: Message;
    state: ChatReplyState;
    done: Promise<void>;
    /** The reply's tool calls so far, in order. */
    toolCalls: MessageToolCall[];
    /** Calls waiting for the user's answer, by call id. */
    consents: Map<string, (decision: ToolConsent) => void>;
    /** The passages retrieval gave the reply to read; absent when the documents went whole. */
    sources?: MessageSource[];
}

/**
 * The replies streaming into chats: at most one per chat, any number of chats at once. Each
 * reply's deltas, saves and stats come from its {@link ReplyStreamer}; the chat list hears when
 * a chat starts generating, waits for a free sequence, or is done.
 */
export class ChatReplies {
    readonly #repository: ChatRepository;
    readonly #models: {readonly loaded: ActiveModel | undefined};
    readonly #events: EventBus;
    readonly #deltaIntervalMs: number;
    readonly #saveIntervalMs: number;
    readonly #options: ChatRepliesOptions;
    readonly #running = new Map<string, RunningReply>();
    readonly #logger: Logger;

    constructor(repository: ChatRepository, models: {readonly loaded: ActiveModel | undefined}, events: EventBus, options: ChatRepliesOptions = {}) {
        this.#repository = repository;
        this.#models = models;
        this.#events = events;
        this.#deltaIntervalMs = options.deltaIntervalMs ?? 33;
        this.#saveIntervalMs = options.saveIntervalMs ?? 500;
        this.#options = options;
        this.#logger = options.logger ?? Logger.silent();
    }

    /** The model replies go to; throws the user-facing reason when none is loaded. */
    requireModel(): ActiveModel {
        const loaded = this.#models.loaded;
        if (loaded == null)
            throw new PonderError("reply.loadModelFirst");
        return loaded;
    }

    requireIdle(chatId: string): void {
        if (this.#running.has(chatId))
            throw new PonderError("reply.stillAnswering");
    }

    /** The chat as the list shows it: with its reply's state while one streams or waits. */
    describe(summary: ChatSummary): ChatSummary {
        const running = this.#running.get(summary.id);
        return running == null ? summary : {...summary, reply: running.state};
    }

    /** The streaming message as its deltas have delivered it (the database lags by up to a save interval). */
    delivered(chatId: string, messageId: string): Message | undefined {
        const running = this.#running.get(chatId);
        return running?.message.id === messageId
            ? {...running.message, ...running.streamer.delivered, toolCalls: [...running.toolCalls], ...sourcesOf(running)}
            : undefined;
    }

    /**
     * Streams a reply into `message` (stored, streaming), answering `branch` (the messages the
     * model reads, oldest first); with `continues`, `message` is the branch's last and gets the
     * continuation of its text.
     */
    start(active: ActiveModel, chat: ChatSummary, message: Message, branch: readonly Message[], continues = false): void {
        const {chatId} = message;
        const read = continues ? branch.slice(0, -1) : branch;
        const contextSize = this.#options.documents?.contextSize(active);
        const documents = read.flatMap((turn) => turn.attachments ?? []);
        const retrieves = contextSize != null && !continues
            && documents.reduce((sum, {tokens}) => sum + tokens, 0) > contextSize * documentShare;
        const turnsWith = (passages?: MessageSource[]) => {
            const turns = conversationTurns(chat, read, this.#options.attachmentText, {retrieves, passages, continued: continues ? message : undefined});
            // The answer being continued goes back whole, reasoning included: the model writes on from its last token.
            if (continues)
                turns.push({role: "assistant", text: message.text, reasoning: message.reasoning});
            return turns;
        };
        const turns = turnsWith();
        const answerNow = new AbortController();
        const request: ReplyRequest = {
            ...this.#options.replySettings?.(active.modelId, chatId, turns),
            ...this.#options.generation,
            turns,
            answerNow: answerNow.signal,
            priority: "interactive",
            conversation: chatId,
            continueLastTurn: continues,
            keepEarlierReasoning: chat.sendReasoning
        };
        const streamer = new ReplyStreamer({
            modelId: active.modelId,
            deltaIntervalMs: this.#deltaIntervalMs,
            continues: continues ? {reply: message, stats: message.stats} : undefined,
            onDelta: (delta) => this.#events.emit("chats.delta", {chatId, messageId: message.id, ...delta}),
            onQueuePosition: (ahead) => {
                running.state = ahead == null ? {state: "generating"} : {state: "waiting", ahead};
                this.#emitChanged(chatId);
            },
            save: {intervalMs: this.#saveIntervalMs, write: (reply) => this.#repository.saveMessage({...message, ...reply, toolCalls: running.toolCalls, ...sourcesOf(running)})}
        });
        const controller = new AbortController();
        const running: RunningReply = {
            controller, answerNow, streamer, message, state: {state: "generating"}, done: Promise.resolve(),
            toolCalls: [...message.toolCalls], consents: new Map()
        };
        this.#running.set(chatId, running);
        let engine = this.#engineFor(active, chatId, running);
        if (retrieves) {
            const question = read.at(-1)?.text ?? "";
            const emit = (indexing: DocumentIndexing | null) =>
                this.#events.emit("chats.sources", {chatId, messageId: message.id, indexing, sources: running.sources ?? []});
            engine = new RetrievingEngine(engine, async (signal) => {
                running.sources = await this.#options.documents!.retrieval.passages(question, documents, Math.floor(contextSize * passageShare), signal, emit);
                emit(null);
                return turnsWith(running.sources);
            });
        }
        running.done = this.#finish(running, streamer.run(engine, request, controller.signal));
        this.#emitChanged(chatId);
    }

    /** The user's answer to a call of the chat's reply that waits for consent. */
    answerToolCall(chatId: string, callId: string, decision: ToolConsent): void {
        const answer = this.#running.get(chatId)?.consents.get(callId);
        if (answer == null)
            throw new PonderError("tools.callNotWaiting");
        answer(decision);
    }

    /** The model as the reply uses it: inside a tool loop when the chat uses tools and the model can call them. */
    #engineFor(active: ActiveModel, chatId: string, running: RunningReply): ReplyEngine {
        const tools = this.#options.tools;
        if (tools == null || !active.model.capabilities.callsTools || !tools.enabledFor(active.modelId, chatId))
            return active.model;
        const callable = tools.servers.callable();
        if (callable.length === 0)
            return active.model;
        const {message, streamer} = running;
        return new ToolLoop(active.model, {
            tools: callable,
            limits: tools.servers.limits,
            run: (tool, args, signal) => tools.servers.call(tool, args, signal),
            allowAlways: (tool) => void tools.servers.updateTool(tool.serverId, tool.name, {alwaysAllow: true}),
            ask: (call, signal) => new Promise<ToolConsent>((resolve, reject) => {
                const stop = () => reject(new PonderError("reply.stopped"));
                signal.addEventListener("abort", stop, {once: true});
                running.consents.set(call.id, (decision) => {
                    signal.removeEventListener("abort", stop);
                    running.consents.delete(call.id);
                    resolve(decision);
                });
            }),
            onCall: (call) => {
                const index = running.toolCalls.findIndex((candidate) => candidate.id === call.id);
                // A call sits where the text stood when it was made.
                const placed = index >= 0
                    ? {...call, reasoningOffset: running.toolCalls[index]!.reasoningOffset, textOffset: running.toolCalls[index]!.textOffset}
                    : {...call, reasoningOffset: streamer.reply.reasoning.length, textOffset: streamer.reply.text.length};
                if (index >= 0)
                    running.toolCalls[index] = placed;
                else
                    running.toolCalls.push(placed);
                this.#events.emit("chats.toolCall", {chatId, messageId: message.id, call: placed});
            }
        });
    }

    /** "Answer now": the chat's reply closes its reasoning and answers; nothing happens once it answers or has ended. */
    answerNow(chatId: string): void {
        this.#running.get(chatId)?.answerNow.abort();
    }

    /** Stops the chat's reply (also while it waits to start); resolves once what was generated is saved. */
    async stop(chatId: string): Promise<void> {
        const running = this.#running.get(chatId);
        if (running == null)
            return;
        running.controller.abort();
        await running.done;
    }

    /** Stops every reply (the app is quitting) and saves what was generated. */
    async stopAll(): Promise<void> {
        await Promise.all([...this.#running.keys()].map((chatId) => this.stop(chatId)));
    }

    /** Saves the ended reply; whatever fails, the chat is no longer "answering" afterwards. */
    async #finish(running: RunningReply, reply: Promise<FinishedReply>): Promise<void> {
        const {message} = running;
        let ended: Message = {...message, status: "error"};
        try {
            const finished = await reply;
            if (finished.error != null)
                this.#logger.error("A reply failed", {chatId: message.chatId, messageId: message.id, cause: finished.error});
            ended = {
                ...message,
                ...textOf(finished),
                status: finished.stopReason === "error" ? "error" : finished.stopReason === "stopped" ? "stopped" : "done",
                error: finished.error == null ? null : failureOf(finished.error),
                stats: finished.stats ?? message.stats,
                toolCalls: running.toolCalls,
                ...sourcesOf(running)
            };
            this.#repository.transaction(() => {
                this.#repository.saveMessage(ended);
                this.#repository.touchChat(message.chatId, Date.now());
            });
        } catch (error) {
            // The final save failed: the renderer still hears that the reply ended, with why.
            this.#logger.error("A finished reply could not be saved", {chatId: message.chatId, messageId: message.id, cause: error});
            ended = {...ended, status: "error", error: failureOf(error)};
        } finally {
            this.#running.delete(message.chatId);
            this.#events.emit("chats.messageUpdated", ended);
            this.#emitChanged(message.chatId);
        }
    }

    /** Sends the chat's new state to the list (one chat, never the whole list); a deleted chat is left out. */
    #emitChanged(chatId: string) {
        const chat = this.#repository.getChat(chatId);
        if (chat != null)
            this.#events.emit("chats.listChanged", {kind: "upsert", chat: this.describe(chat)});
    }
}

/** How documents reach the prompt when they are too long for the context. */
export interface RetrievedDocuments {
    /** Documents are searched: each question gets passages instead of whole documents. */
    retrieves: boolean;
    /** The passages chosen for the last question. */
    passages?: readonly MessageSource[];
    /** The answer being continued (it keeps the passages it was given). */
    continued?: Message;
}

/**
 * The conversation as the model reads it: the chat's system prompt, then the branch, each
 * question after its documents: whole, or when they are searched, the passages its answer was
 * given (the last question: `passages`).
 */
export function conversationTurns(chat: ChatSummary, branch: readonly Message[], attachmentText?: (attachment: Attachment) => string, documents?: RetrievedDocuments): ReplyTurn[] {
    const turns: ReplyTurn[] = chat.systemPrompt.trim() === "" ? [] : [{role: "system", text: chat.systemPrompt}];
    const documentText = (message: Message, index: number): string[] => {
        const answer = branch[index + 1] ?? documents?.continued;
        const passages = answer != null ? answer.sources : documents?.retrieves === true ? documents.passages : undefined;
        if (passages != null && passages.length > 0)
            return [passagesText(passages)];
        return documents?.retrieves === true ? [] : (message.attachments ?? []).map((attachment) => attachmentText?.(attachment) ?? "");
    };
    for (const [index, message] of branch.entries()) {
        if (message.role === "user")
            turns.push({role: "user", text: [...documentText(message, index), message.text].filter((part) => part !== "").join("\n\n")});
        // An answer cut short before it began says nothing the model should read back.
        else if (message.text !== "")
            turns.push({role: "assistant", text: message.text, ...(chat.sendReasoning && message.reasoning !== "" ? {reasoning: message.reasoning} : {})});
    }
    return turns;
}

function sourcesOf(running: RunningReply): Pick<Message, "sources"> {
    return running.sources == null ? {} : {sources: running.sources};
}

function textOf({reasoning, text, reasoningStartedAt, reasoningEndedAt}: ReplyText): ReplyText {
    return {reasoning, text, reasoningStartedAt, reasoningEndedAt};
}
