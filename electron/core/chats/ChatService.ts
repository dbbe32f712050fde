import {randomUUID} from "node:crypto";
import type {ConversationTurn, GenerateReplyOptions, GenerateReplyResult} from "../../../native/index.ts";
import type {Chat, ChatSummary, Message, SendResult, StopReason} from "../../contract.ts";
import type {EventBus} from "../events/EventBus.ts";
import type {ModelHost} from "../models/ModelHost.ts";
import type {ChatRepository} from "./ChatRepository.ts";
import {DeltaBatcher} from "./DeltaBatcher.ts";

export interface ChatServiceOptions {
    /** At most one delta event per stream per this many ms. Defaults to 33 (30 a second). */
    deltaIntervalMs?: number;
    /** A streaming message is written to the database at least this often. Defaults to 500. */
    saveIntervalMs?: number;
    /** Generation settings for every reply (per-model and per-chat settings build on these). */
    generation?: GenerationDefaults;
}

export type GenerationDefaults = Pick<GenerateReplyOptions, "maxTokens" | "thoughtBudget" | "sampling">;

interface Generation {
    controller: AbortController;
    done: Promise<void>;
    /** The message as the renderer has seen it so far: exactly the text already sent in deltas. */
    delivered: Message;
}

const titleLength = 80;

/** Conversations: storing messages, and streaming a model's reply into them. */
export class ChatService {
    readonly #repository: ChatRepository;
    readonly #models: ModelHost;
    readonly #events: EventBus;
    readonly #deltaIntervalMs: number;
    readonly #saveIntervalMs: number;
    readonly #generation: GenerationDefaults;
    readonly #generations = new Map<string, Generation>();

    constructor(repository: ChatRepository, models: ModelHost, events: EventBus, options: ChatServiceOptions = {}) {
        this.#repository = repository;
        this.#models = models;
        this.#events = events;
        this.#deltaIntervalMs = options.deltaIntervalMs ?? 33;
        this.#saveIntervalMs = options.saveIntervalMs ?? 500;
        this.#generation = options.generation ?? {};
    }

    list(): ChatSummary[] {
        return this.#repository.listChats();
    }

    get(chatId: string): Chat {
        const summary = this.#repository.getChat(chatId);
        if (summary == null)
            throw new Error("That conversation no longer exists.");
        // A streaming reply is shown as the deltas have delivered it (the database lags by up to a
        // save interval), so a renderer that loads it and then applies later deltas sees every token once.
        const messages = this.#repository.activeBranch(chatId).map((message) => {
            const generation = this.#generations.get(chatId);
            return generation?.delivered.id === message.id ? {...generation.delivered} : message;
        });
        return {summary, messages};
    }

    create(title = ""): ChatSummary {
        const now = Date.now();
        const chat: ChatSummary = {id: randomUUID(), title, createdAt: now, updatedAt: now};
        this.#repository.insertChat(chat);
        this.#emitList();
        return chat;
    }

    send(chatId: string | undefined, text: string): SendResult {
        const loaded = this.#models.loaded;
        if (loaded == null)
            throw new Error("Load a model before sending a message.");
        if (chatId != null && this.#generations.has(chatId))
            throw new Error("Ponder is still answering in this conversation. Stop it or wait for the answer.");
        const chat = chatId == null ? this.create() : this.get(chatId).summary;
        const history = this.#repository.activeBranch(chat.id);
        const now = Date.now();
        const userMessage = newMessage(chat.id, history.at(-1)?.id ?? null, "user", now, {text, status: "done"});
        const assistantMessage = newMessage(chat.id, userMessage.id, "assistant", now + 1, {status: "streaming"});
        this.#repository.transaction(() => {
            this.#repository.insertMessage(userMessage);
            this.#repository.insertMessage(assistantMessage);
            if (chat.title === "")
                this.#repository.setChatTitle(chat.id, titleFrom(text));
            this.#repository.touchChat(chat.id, now);
        });
        this.#emitList();

        const turns: ConversationTurn[] = [...history, userMessage]
            .filter((message) => message.role === "user" || message.text !== "")
            .map((message) => ({role: message.role, text: message.text}));
        this.#startGeneration(loaded, {...assistantMessage}, turns);
        return {chatId: chat.id, userMessage, assistantMessage};
    }

    /** Stops the chat's reply; resolves once what was generated is saved. */
    async stop(chatId: string): Promise<void> {
        const generation = this.#generations.get(chatId);
        if (generation == null)
            return;
        generation.controller.abort();
        await generation.done;
    }

    /** Stops every reply (the app is quitting) and saves what was generated. */
    async stopAll(): Promise<void> {
        await Promise.all([...this.#generations.keys()].map((chatId) => this.stop(chatId)));
    }

    #startGeneration(loaded: NonNullable<ModelHost["loaded"]>, message: Message, turns: ConversationTurn[]) {
        const controller = new AbortController();
        const delivered = {...message};
        const batcher = new DeltaBatcher(this.#deltaIntervalMs, (delta) => {
            delivered.reasoning += delta.reasoning;
            delivered.text += delta.text;
            delivered.thinkingStartedAt = message.thinkingStartedAt;
            delivered.thinkingEndedAt = message.thinkingEndedAt;
            this.#events.emit("chats.delta", {
                chatId: message.chatId,
                messageId: message.id,
                reasoning: delta.reasoning,
                text: delta.text,
                thinkingStartedAt: message.thinkingStartedAt,
                thinkingEndedAt: message.thinkingEndedAt
            });
        });
        const saveTimer = setInterval(() => this.#repository.saveMessage(message), this.#saveIntervalMs);

        const run = async () => {
            let result: GenerateReplyResult | undefined;
            try {
                result = await loaded.model.generate({
                    ...this.#generation,
                    turns,
                    signal: controller.signal,
                    onChunk: ({segment, text}) => {
                        if (segment === "thought") {
                            message.thinkingStartedAt ??= Date.now();
                            message.reasoning += text;
                        } else {
                            if (message.thinkingStartedAt != null)
                                message.thinkingEndedAt ??= Date.now();
                            message.text += text;
                        }
                        batcher.add(segment, text);
                    }
                });
            } catch (error) {
                message.error = (error as Error).message;
            }
            batcher.flush();
            clearInterval(saveTimer);
            if (message.thinkingStartedAt != null)
                message.thinkingEndedAt ??= Date.now();
            const stopReason = stopReasonOf(result, message.error != null);
            message.status = stopReason === "error" ? "error" : stopReason === "stopped" ? "stopped" : "done";
            if (result != null)
                message.stats = {
                    modelId: loaded.modelId,
                    timeToFirstTokenMs: Math.round(result.timeToFirstTokenMs),
                    tokensPerSecond: result.tokensPerSecond,
                    thinkingMs: message.thinkingStartedAt == null ? 0 : message.thinkingEndedAt! - message.thinkingStartedAt,
                    thoughtTokens: result.thoughtTokens,
                    answerTokens: result.answerTokens,
                    stopReason
                };
            this.#repository.transaction(() => {
                this.#repository.saveMessage(message);
                this.#repository.touchChat(message.chatId, Date.now());
            });
            this.#generations.delete(message.chatId);
            this.#events.emit("chats.messageUpdated", {...message});
            this.#emitList();
        };
        this.#generations.set(message.chatId, {controller, delivered, done: run()});
    }

    #emitList() {
        this.#events.emit("chats.listChanged", this.#repository.listChats());
    }
}

function newMessage(chatId: string, parentId: string | null, role: Message["role"], createdAt: number, fields: Partial<Message>): Message {
    return {
        id: randomUUID(),
        chatId,
        parentId,
        role,
        text: "",
        reasoning: "",
        status: "done",
        createdAt,
        thinkingStartedAt: null,
        thinkingEndedAt: null,
        stats: null,
        error: null,
        ...fields
    };
}

function stopReasonOf(result: GenerateReplyResult | undefined, failed: boolean): StopReason {
    if (failed || result == null)
        return "error";
    if (result.stopReason === "finished" && result.thoughtCutByBudget)
        return "budget";
    return result.stopReason;
}

/** A chat's title: its first message, on one line, cut at a word near the limit. */
function titleFrom(text: string): string {
    const line = text.replace(/\s+/g, " ").trim();
    if (line.length <= titleLength)
        return line;
    const cut = line.slice(0, titleLength);
    const lastSpace = cut.lastIndexOf(" ");
    return (lastSpace > titleLength / 2 ? cut.slice(0, lastSpace) : cut) + "…";
}
