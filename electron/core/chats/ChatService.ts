import {randomUUID} from "node:crypto";
import type {ConversationTurn, GenerateReplyOptions, GenerateReplyResult} from "../../../native/index.ts";
import type {Chat, ChatArchive, ChatListCursor, ChatPage, ChatSummary, ExportPiece, ExportStart, Message, SearchHit, SendResult, StopReason} from "../../contract.ts";
import type {EventBus} from "../events/EventBus.ts";
import type {ModelHost} from "../models/ModelHost.ts";
import type {ChatChanges, ChatRepository} from "./ChatRepository.ts";
import {ChatTransfer, type ChatSettingsStore} from "./ChatTransfer.ts";
import {DeltaBatcher} from "./DeltaBatcher.ts";

export interface ChatServiceOptions {
    /** At most one delta event per stream per this many ms. Defaults to 33 (30 a second). */
    deltaIntervalMs?: number;
    /** A streaming message is written to the database at least this often. Defaults to 500. */
    saveIntervalMs?: number;
    /** Generation settings for every reply (per-model and per-chat settings build on these). */
    generation?: GenerationDefaults;
    /** The user's settings for a reply in a chat (SettingsService); `generation` overrides them. */
    replySettings?: (modelId: string, chatId: string, turns: readonly ConversationTurn[]) => GenerationDefaults;
    /** Chats' own generation settings, so that exports and imports carry them. */
    chatSettings?: ChatSettingsStore;
}

export type GenerationDefaults = Pick<GenerateReplyOptions, "maxTokens" | "thoughtBudget" | "sampling" | "languageLock" | "contextOverflow">;

/** How a reply is generated beyond the conversation itself. */
interface ReplyRequest {
    /** The message gets the continuation of its text rather than a new reply. */
    continues?: boolean;
    /** Earlier answers' reasoning goes back to the model (the chat's setting). */
    keepEarlierReasoning: boolean;
}

interface Generation {
    controller: AbortController;
    done: Promise<void>;
    /** The message as the renderer has seen it so far: exactly the text already sent in deltas. */
    delivered: Message;
}

/** What {@link ChatService.deleteMessage} changed, to put back on undo. */
interface MessageDeletion {
    /** The message and, for a question, its answers, parents first. */
    removed: Message[];
    /** The messages that followed, with the parent each had before. */
    reattached: Array<{id: string; parentId: string | null}>;
    leafBefore: string | null;
}

/** Message deletions kept for undo; older ones can no longer be undone. */
const maxUndoableMessageDeletes = 20;

const titleLength = 80;
/** Chats in a page of the list when the caller doesn't say: more than a sidebar shows at once. */
const defaultPageSize = 50;

type LoadedModelRef = NonNullable<ModelHost["loaded"]>;

/** Conversations: storing messages, and streaming a model's reply into them. */
export class ChatService {
    readonly #repository: ChatRepository;
    readonly #models: ModelHost;
    readonly #events: EventBus;
    readonly #deltaIntervalMs: number;
    readonly #saveIntervalMs: number;
    readonly #generation: GenerationDefaults;
    readonly #replySettings: ChatServiceOptions["replySettings"];
    readonly #generations = new Map<string, Generation>();
    readonly #transfer: ChatTransfer;
    /** Message deletions that can still be undone, by the id of the message deleted, oldest first. */
    readonly #deletedMessages = new Map<string, MessageDeletion>();

    constructor(repository: ChatRepository, models: ModelHost, events: EventBus, options: ChatServiceOptions = {}) {
        this.#repository = repository;
        this.#models = models;
        this.#events = events;
        this.#deltaIntervalMs = options.deltaIntervalMs ?? 33;
        this.#saveIntervalMs = options.saveIntervalMs ?? 500;
        this.#generation = options.generation ?? {};
        this.#replySettings = options.replySettings;
        this.#transfer = new ChatTransfer(repository, options.chatSettings);
    }

    /** A page of the list, pinned chats first, then by last activity; `after` is the previous page's last chat. */
    list(after?: ChatListCursor, limit = defaultPageSize): ChatPage {
        const chats = this.#repository.listChats({after, limit: limit + 1});
        return {chats: chats.slice(0, limit), more: chats.length > limit};
    }

    get(chatId: string): Chat {
        const summary = this.#requireChat(chatId);
        const branch = this.#repository.activeBranch(chatId);
        // A streaming reply is shown as the deltas have delivered it (the database lags by up to a
        // save interval), so a renderer that loads it and then applies later deltas sees every token once.
        const messages = branch.messages.map((message) => {
            const generation = this.#generations.get(chatId);
            return generation?.delivered.id === message.id ? {...generation.delivered} : message;
        });
        return {summary, messages, alternatives: branch.alternatives};
    }

    create(title = ""): ChatSummary {
        const now = Date.now();
        const chat: ChatSummary = {id: randomUUID(), title, createdAt: now, updatedAt: now, pinned: false, systemPrompt: "", sendReasoning: false};
        this.#repository.insertChat(chat);
        this.#events.emit("chats.listChanged", {kind: "upsert", chat});
        return chat;
    }

    send(chatId: string | undefined, text: string): SendResult {
        const loaded = this.#requireModel();
        if (chatId != null)
            this.#requireIdle(chatId);
        const chat = chatId == null ? this.create() : this.#requireChat(chatId);
        const history = this.#repository.activeBranch(chat.id).messages;
        return this.#ask(loaded, chat, history, text);
    }

    search(query: string): SearchHit[] {
        return this.#repository.search(query);
    }

    export(chatId: string | undefined, format: "markdown" | "json"): ExportStart {
        return this.#transfer.export(chatId, format);
    }

    readExport(exportId: string): ExportPiece {
        return this.#transfer.read(exportId);
    }

    import(archive: ChatArchive): ChatSummary[] {
        const imported = this.#transfer.import(archive);
        this.#events.emit("chats.listChanged", imported.length === 1 ? {kind: "upsert", chat: imported[0]!} : {kind: "reload"});
        return imported;
    }

    /** Renames, pins or unpins, or changes a chat's generation settings. */
    update(chatId: string, changes: ChatChanges): ChatSummary {
        const summary = this.#repository.updateChat(chatId, changes);
        if (summary == null)
            throw new Error("That conversation no longer exists.");
        this.#events.emit("chats.listChanged", {kind: "upsert", chat: summary});
        return summary;
    }

    /** Hides the chat; {@link restore} brings it back until the app restarts, which deletes it for good. */
    async delete(chatId: string): Promise<void> {
        this.#requireChat(chatId);
        await this.stop(chatId);
        this.#repository.markDeleted(chatId, Date.now());
        this.#events.emit("chats.listChanged", {kind: "remove", chatId});
    }

    restore(chatId: string): ChatSummary {
        this.#repository.restore(chatId);
        const summary = this.#requireChat(chatId);
        this.#events.emit("chats.listChanged", {kind: "upsert", chat: summary});
        return summary;
    }

    /** Makes the branch through this message the one on screen (a search hit, another version). */
    showMessage(chatId: string, messageId: string): Chat {
        this.#requireMessage(chatId, messageId);
        this.#repository.setActiveLeaf(chatId, this.#repository.newestLeafUnder(chatId, messageId));
        return this.get(chatId);
    }

    /** Sends an edited version of a user message as a new branch; the old one is kept beside it. */
    edit(chatId: string, messageId: string, text: string): Chat {
        const loaded = this.#requireModel();
        this.#requireIdle(chatId);
        const original = this.#requireMessage(chatId, messageId);
        if (original.role !== "user")
            throw new Error("Only your own messages can be edited.");
        const history = original.parentId == null ? [] : this.#pathTo(chatId, original.parentId);
        this.#ask(loaded, this.#requireChat(chatId), history, text);
        return this.get(chatId);
    }

    /**
     * Answers again: for an answer, a new version beside it; for a user message left without an
     * answer (its answer deleted), a first one.
     */
    regenerate(chatId: string, messageId: string): Chat {
        const loaded = this.#requireModel();
        this.#requireIdle(chatId);
        const message = this.#requireMessage(chatId, messageId);
        const question = message.role === "user" ? message : this.#requireMessage(chatId, message.parentId ?? "");
        const chat = this.#requireChat(chatId);
        const history = this.#pathTo(chatId, question.id);
        const now = Date.now();
        const answer = newMessage(chatId, question.id, "assistant", now, {status: "streaming"});
        this.#repository.transaction(() => {
            this.#repository.insertMessage(answer);
            this.#repository.setActiveLeaf(chatId, answer.id);
            this.#repository.touchChat(chatId, now);
        });
        this.#emitChanged(chatId);
        this.#startGeneration(loaded, {...answer}, this.#turns(chat, history), {keepEarlierReasoning: chat.sendReasoning});
        return this.get(chatId);
    }

    /** Writes on where a stopped or interrupted answer ended, in the same message. */
    continue(chatId: string, messageId: string): Message {
        const loaded = this.#requireModel();
        this.#requireIdle(chatId);
        const message = this.#requireMessage(chatId, messageId);
        const cutShort = ["stopped", "interrupted", "error"].includes(message.status) || message.stats?.stopReason === "length";
        if (message.role !== "assistant" || !cutShort)
            throw new Error("Only an answer that was cut short can be continued.");
        const chat = this.#requireChat(chatId);
        const history = this.#pathTo(chatId, messageId);
        // Resuming inside the reasoning reopens it.
        const resumed: Message = {...message, status: "streaming", error: null, thinkingEndedAt: message.text === "" ? null : message.thinkingEndedAt};
        this.#repository.transaction(() => {
            this.#repository.saveMessage(resumed);
            this.#repository.setActiveLeaf(chatId, this.#repository.newestLeafUnder(chatId, messageId));
            this.#repository.touchChat(chatId, Date.now());
        });
        this.#emitChanged(chatId);
        this.#events.emit("chats.messageUpdated", {...resumed});
        const turns = this.#turns(chat, history.slice(0, -1));
        turns.push({role: "assistant", text: message.text, reasoning: message.reasoning});
        this.#startGeneration(loaded, {...resumed}, turns, {continues: true, keepEarlierReasoning: chat.sendReasoning});
        return resumed;
    }

    /**
     * Deletes one message: a question goes with its answers, and what followed is re-attached where
     * the deleted messages were, so the rest of the conversation stays. The branch on screen keeps
     * its end if that survived; otherwise it moves to a remaining version, or back. Undone by
     * {@link restoreMessage} until the app restarts.
     */
    deleteMessage(chatId: string, messageId: string): Chat {
        this.#requireIdle(chatId);
        const message = this.#requireMessage(chatId, messageId);
        const all = this.#repository.allMessages(chatId);
        const removed = [message, ...(message.role === "user" ? all.filter((other) => other.parentId === messageId) : [])];
        const removedIds = new Set(removed.map((gone) => gone.id));
        const reattached = all.filter((other) => other.parentId != null && removedIds.has(other.parentId) && !removedIds.has(other.id));
        const leafBefore = this.#repository.activeLeafId(chatId);
        this.#repository.transaction(() => {
            for (const follower of reattached)
                this.#repository.setParent(follower.id, message.parentId);
            // Answers first: a question's delete would cascade to them anyway.
            for (const gone of [...removed].reverse())
                this.#repository.deleteMessage(gone.id);
            if (leafBefore == null || !removedIds.has(leafBefore))
                return;
            const alternative = this.#repository.allMessages(chatId)
                .filter((other) => other.parentId === message.parentId && other.role === message.role)
                .at(-1);
            this.#repository.setActiveLeaf(chatId, alternative != null
                ? this.#repository.newestLeafUnder(chatId, alternative.id)
                : message.parentId);
        });
        this.#deletedMessages.set(messageId, {removed, reattached: reattached.map(({id, parentId}) => ({id, parentId})), leafBefore});
        // Each kept deletion holds its messages' text; the oldest undo lapses first.
        if (this.#deletedMessages.size > maxUndoableMessageDeletes)
            this.#deletedMessages.delete(this.#deletedMessages.keys().next().value!);
        return this.get(chatId);
    }

    /** Undoes {@link deleteMessage}: the messages come back where they were, and the branch on screen with them. */
    restoreMessage(chatId: string, messageId: string): Chat {
        this.#requireIdle(chatId);
        const deletion = this.#deletedMessages.get(messageId);
        if (deletion == null || deletion.removed[0]!.chatId !== chatId)
            throw new Error("That message can no longer be restored.");
        this.#requireChat(chatId);
        const parentId = deletion.removed[0]!.parentId;
        if (parentId != null && !this.#repository.hasMessage(parentId))
            throw new Error("That message can no longer be restored.");
        this.#repository.transaction(() => {
            for (const message of deletion.removed)
                this.#repository.insertMessage(message);
            for (const {id, parentId: originalParentId} of deletion.reattached)
                this.#repository.setParent(id, originalParentId);
            if (deletion.leafBefore != null && this.#repository.hasMessage(deletion.leafBefore))
                this.#repository.setActiveLeaf(chatId, deletion.leafBefore);
        });
        this.#deletedMessages.delete(messageId);
        return this.get(chatId);
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

    /** Stops every reply, saving it, and drops exports still being read. */
    async dispose(): Promise<void> {
        await this.stopAll();
        this.#transfer.dispose();
    }

    /** Adds a user message after `history` (a new branch when history isn't the whole chat) and starts its answer. */
    #ask(loaded: LoadedModelRef, chat: ChatSummary, history: Message[], text: string): SendResult {
        const now = Date.now();
        const userMessage = newMessage(chat.id, history.at(-1)?.id ?? null, "user", now, {text, status: "done"});
        const assistantMessage = newMessage(chat.id, userMessage.id, "assistant", now + 1, {status: "streaming"});
        this.#repository.transaction(() => {
            this.#repository.insertMessage(userMessage);
            this.#repository.insertMessage(assistantMessage);
            if (chat.title === "")
                this.#repository.updateChat(chat.id, {title: titleFrom(text)});
            this.#repository.setActiveLeaf(chat.id, assistantMessage.id);
            this.#repository.touchChat(chat.id, now);
        });
        this.#emitChanged(chat.id);
        this.#startGeneration(loaded, {...assistantMessage}, this.#turns(chat, [...history, userMessage]), {keepEarlierReasoning: chat.sendReasoning});
        return {chatId: chat.id, userMessage, assistantMessage};
    }

    /** The conversation as the model reads it: the chat's system prompt, then the branch. */
    #turns(chat: ChatSummary, branch: readonly Message[]): ConversationTurn[] {
        const turns: ConversationTurn[] = chat.systemPrompt.trim() === "" ? [] : [{role: "system", text: chat.systemPrompt}];
        for (const message of branch) {
            if (message.role === "user")
                turns.push({role: "user", text: message.text});
            // An answer cut short before it began says nothing the model should read back.
            else if (message.text !== "")
                turns.push({role: "assistant", text: message.text, ...(chat.sendReasoning && message.reasoning !== "" ? {reasoning: message.reasoning} : {})});
        }
        return turns;
    }

    /** The messages from the root down to this one. */
    #pathTo(chatId: string, messageId: string): Message[] {
        const byId = new Map(this.#repository.allMessages(chatId).map((message) => [message.id, message]));
        const path: Message[] = [];
        for (let message = byId.get(messageId); message != null; message = message.parentId == null ? undefined : byId.get(message.parentId))
            path.push(message);
        return path.reverse();
    }

    #requireModel(): LoadedModelRef {
        const loaded = this.#models.loaded;
        if (loaded == null)
            throw new Error("Load a model before sending a message.");
        return loaded;
    }

    #requireChat(chatId: string): ChatSummary {
        const summary = this.#repository.getChat(chatId);
        if (summary == null)
            throw new Error("That conversation no longer exists.");
        return summary;
    }

    #requireMessage(chatId: string, messageId: string): Message {
        const message = this.#repository.getMessage(messageId);
        if (message == null || message.chatId !== chatId)
            throw new Error("That message no longer exists.");
        return message;
    }

    #requireIdle(chatId: string) {
        if (this.#generations.has(chatId))
            throw new Error("Ponder is still answering in this conversation. Stop it or wait for the answer.");
    }

    #startGeneration(loaded: LoadedModelRef, message: Message, turns: ConversationTurn[], request: ReplyRequest) {
        const controller = new AbortController();
        const delivered = {...message};
        let contextTokens: number | undefined;
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
                thinkingEndedAt: message.thinkingEndedAt,
                ...(contextTokens == null ? {} : {contextTokens})
            });
        });
        const saveTimer = setInterval(() => this.#repository.saveMessage(message), this.#saveIntervalMs);

        const run = async () => {
            let result: GenerateReplyResult | undefined;
            try {
                result = await loaded.model.generate({
                    ...this.#replySettings?.(loaded.modelId, message.chatId, turns),
                    ...this.#generation,
                    turns,
                    continueLastTurn: request.continues,
                    keepEarlierReasoning: request.keepEarlierReasoning,
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
                    },
                    onContextTokens: (tokens) => {
                        contextTokens = tokens;
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
            // A continuation's counts add to those of the text it continued.
            const before = request.continues ? message.stats : null;
            if (result != null)
                message.stats = {
                    modelId: loaded.modelId,
                    contextTokens: result.promptTokens + result.thoughtTokens + result.answerTokens,
                    droppedTurns: result.droppedTurns,
                    timeToFirstTokenMs: Math.round(result.timeToFirstTokenMs),
                    tokensPerSecond: result.tokensPerSecond,
                    thinkingMs: message.thinkingStartedAt == null ? 0 : message.thinkingEndedAt! - message.thinkingStartedAt,
                    thoughtTokens: result.thoughtTokens + (before?.thoughtTokens ?? 0),
                    answerTokens: result.answerTokens + (before?.answerTokens ?? 0),
                    stopReason
                };
            this.#repository.transaction(() => {
                this.#repository.saveMessage(message);
                this.#repository.touchChat(message.chatId, Date.now());
            });
            this.#generations.delete(message.chatId);
            this.#events.emit("chats.messageUpdated", {...message});
            this.#emitChanged(message.chatId);
        };
        this.#generations.set(message.chatId, {controller, delivered, done: run()});
    }

    /** Sends the chat's new state to the list (one chat, never the whole list); a deleted chat is left out. */
    #emitChanged(chatId: string) {
        const chat = this.#repository.getChat(chatId);
        if (chat != null)
            this.#events.emit("chats.listChanged", {kind: "upsert", chat});
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
