import {randomUUID} from "node:crypto";
import {requestSchemas, type Attachment, type Chat, type ChatArchive, type ChatImportResult, type DomainHandlers, type ChatListCursor, type ChatPage, type ChatSummary, type ExportPiece, type ExportStart, type Message, type SearchHit, type SendResult, type ToolConsent} from "../../contract.ts";
import type {EventBus} from "../events/EventBus.ts";
import type {ModelHost} from "../models/ModelHost.ts";
import type {ActiveModel} from "../replies/ReplyEngine.ts";
import {isCutShort, leafAfterDeleting, pathTo} from "./branchTree.ts";
import {ChatReplies, type ChatRepliesOptions} from "./ChatReplies.ts";
import type {ChatChanges, ChatRepository} from "./ChatRepository.ts";
import {ChatTransfer, type ChatSettingsStore, type DocumentArchive, type DuplicateChoice} from "./ChatTransfer.ts";
import {chatPageSize} from "../../contract/values.ts";
import {PonderError} from "../../contract/errors.ts";

export interface ChatServiceOptions extends ChatRepliesOptions {
    /** Chats' own generation settings, so that exports and imports carry them. */
    chatSettings?: ChatSettingsStore;
    /** A stored document under the name a question gives it (AttachmentStore); without it, attachments are refused. */
    describeAttachment?: (attachment: Pick<Attachment, "id" | "name">) => Attachment;
    /** The attached documents' text (AttachmentStore), which JSON exports carry and imports restore. */
    documentArchive?: DocumentArchive;
    /** A finished upload's bytes (AttachmentStore.take): an archive too large for one message, for `chats.importUpload`. */
    takeUpload?: (uploadId: string) => Promise<{name: string; bytes: Buffer}>;
    /** Drops what is kept of a chat outside its messages (the model's saved state) once it is deleted. */
    forgetChat?: (chatId: string) => Promise<void>;
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

/**
 * Conversations: the list, their message trees, and the requests that start a reply in one
 * (send, edit, regenerate, continue), which {@link ChatReplies} then streams.
 */
export class ChatService {
    readonly #repository: ChatRepository;
    readonly #events: EventBus;
    readonly #replies: ChatReplies;
    readonly #transfer: ChatTransfer;
    readonly #describeAttachment: ChatServiceOptions["describeAttachment"];
    readonly #forgetChat: ChatServiceOptions["forgetChat"];
    readonly #takeUpload: ChatServiceOptions["takeUpload"];
    /** Message deletions that can still be undone, by the id of the message deleted, oldest first. */
    readonly #deletedMessages = new Map<string, MessageDeletion>();

    constructor(repository: ChatRepository, models: ModelHost, events: EventBus, options: ChatServiceOptions = {}) {
        this.#repository = repository;
        this.#events = events;
        this.#replies = new ChatReplies(repository, models, events, options);
        this.#transfer = new ChatTransfer(repository, options.chatSettings, {documents: options.documentArchive});
        this.#describeAttachment = options.describeAttachment;
        this.#forgetChat = options.forgetChat;
        this.#takeUpload = options.takeUpload;
    }

    handlers(): DomainHandlers<"chats"> {
        return {
            list: async ({after, limit}) => this.list(after, limit),
            get: async ({chatId}) => this.get(chatId),
            create: async () => this.create(),
            send: async ({chatId, text, attachments}) => this.send(chatId, text, attachments?.map((attachment) => this.#attachment(attachment))),
            stop: ({chatId}) => this.stop(chatId),
            answerNow: async ({chatId}) => this.answerNow(chatId),
            answerToolCall: async ({chatId, callId, decision}) => this.answerToolCall(chatId, callId, decision),
            update: async ({chatId, ...changes}) => this.update(chatId, changes),
            delete: ({chatId}) => this.delete(chatId),
            restore: async ({chatId}) => this.restore(chatId),
            search: async ({query}) => this.search(query),
            showMessage: async ({chatId, messageId}) => this.showMessage(chatId, messageId),
            edit: async ({chatId, messageId, text}) => this.edit(chatId, messageId, text),
            regenerate: async ({chatId, messageId}) => this.regenerate(chatId, messageId),
            continue: async ({chatId, messageId}) => this.continue(chatId, messageId),
            deleteMessage: async ({chatId, messageId}) => this.deleteMessage(chatId, messageId),
            restoreMessage: async ({chatId, messageId}) => this.restoreMessage(chatId, messageId),
            export: async ({chatId, format}) => this.export(chatId, format),
            readExport: async ({exportId}) => this.readExport(exportId),
            import: async ({archive, duplicates}) => this.import(archive, duplicates),
            importUpload: async ({uploadId, duplicates}) => this.import(await this.#uploadedArchive(uploadId), duplicates)
        };
    }

    /** A page of the list, pinned chats first, then by last activity; `after` is the previous page's last chat. */
    list(after?: ChatListCursor, limit = chatPageSize): ChatPage {
        const chats = this.#repository.listChats({after, limit: limit + 1});
        return {chats: chats.slice(0, limit).map((chat) => this.#replies.describe(chat)), more: chats.length > limit};
    }

    get(chatId: string): Chat {
        const summary = this.#requireChat(chatId);
        const branch = this.#repository.activeBranch(chatId);
        // A streaming reply is shown as the deltas have delivered it, so a renderer that loads it
        // and then applies later deltas sees every token once.
        const messages = branch.messages.map((message) => this.#replies.delivered(chatId, message.id) ?? message);
        return {summary: this.#replies.describe(summary), messages, alternatives: branch.alternatives};
    }

    create(title = ""): ChatSummary {
        const now = Date.now();
        const chat: ChatSummary = {id: randomUUID(), title, createdAt: now, updatedAt: now, pinned: false, systemPrompt: "", sendReasoning: false};
        this.#repository.insertChat(chat);
        this.#events.emit("chats.listChanged", {kind: "upsert", chat});
        return chat;
    }

    send(chatId: string | undefined, text: string, attachments: Attachment[] = []): SendResult {
        const loaded = this.#replies.requireModel();
        if (chatId != null)
            this.#replies.requireIdle(chatId);
        const chat = chatId == null ? this.create() : this.#requireChat(chatId);
        const history = this.#repository.activeBranch(chat.id).messages;
        return this.#ask(loaded, chat, history, text, attachments);
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

    /** An uploaded archive, parsed and checked as `chats.import` checks its argument. */
    async #uploadedArchive(uploadId: string): Promise<ChatArchive> {
        if (this.#takeUpload == null)
            throw new PonderError("attachment.uploadEnded");
        const {name, bytes} = await this.#takeUpload(uploadId);
        let json: unknown;
        try {
            json = JSON.parse(bytes.toString("utf8"));
        } catch (error) {
            throw new PonderError("chats.importNotJson", {name}, {cause: error});
        }
        const parsed = requestSchemas["chats.import"].shape.archive.safeParse(json);
        if (!parsed.success) {
            const issue = parsed.error.issues[0];
            throw new PonderError("request.invalid", {request: "chats.importUpload", field: ["archive", ...issue?.path ?? []].join("."), problem: issue?.message ?? "is invalid"});
        }
        return parsed.data;
    }

    async import(archive: ChatArchive, duplicates?: DuplicateChoice): Promise<ChatImportResult> {
        if (duplicates === "replace") {
            // A chat about to be replaced stops answering first, and its saved state goes.
            for (const {id} of this.#transfer.duplicatesOf(archive)) {
                await this.#replies.stop(id);
                await this.#forgetChat?.(id);
            }
        }
        const result = this.#transfer.import(archive, duplicates);
        const {imported} = result;
        if (imported.length > 0)
            this.#events.emit("chats.listChanged", imported.length === 1 && duplicates !== "replace" ? {kind: "upsert", chat: imported[0]!} : {kind: "reload"});
        return result;
    }

    /** Renames, pins or unpins, or changes a chat's generation settings. */
    update(chatId: string, changes: ChatChanges): ChatSummary {
        const summary = this.#repository.updateChat(chatId, changes);
        if (summary == null)
            throw new PonderError("chat.gone");
        this.#events.emit("chats.listChanged", {kind: "upsert", chat: this.#replies.describe(summary)});
        return this.#replies.describe(summary);
    }

    /** Hides the chat; {@link restore} brings it back until the app restarts, which deletes it for good. */
    async delete(chatId: string): Promise<void> {
        this.#requireChat(chatId);
        await this.#replies.stop(chatId);
        this.#repository.markDeleted(chatId, Date.now());
        this.#events.emit("chats.listChanged", {kind: "remove", chatId});
        await this.#forgetChat?.(chatId);
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
        const loaded = this.#replies.requireModel();
        this.#replies.requireIdle(chatId);
        const original = this.#requireMessage(chatId, messageId);
        if (original.role !== "user")
            throw new PonderError("chat.editOwnOnly");
        const history = pathTo(this.#repository.allMessages(chatId), original.parentId);
        this.#ask(loaded, this.#requireChat(chatId), history, text);
        return this.get(chatId);
    }

    /**
     * Answers again: for an answer, a new version beside it; for a user message left without an
     * answer (its answer deleted), a first one.
     */
    regenerate(chatId: string, messageId: string): Chat {
        const loaded = this.#replies.requireModel();
        this.#replies.requireIdle(chatId);
        const message = this.#requireMessage(chatId, messageId);
        const question = message.role === "user" ? message : this.#requireMessage(chatId, message.parentId ?? "");
        const chat = this.#requireChat(chatId);
        const history = pathTo(this.#repository.allMessages(chatId), question.id);
        const now = Date.now();
        const answer = newMessage(chatId, question.id, "assistant", now, {status: "streaming"});
        this.#repository.transaction(() => {
            this.#repository.insertMessage(answer);
            this.#repository.setActiveLeaf(chatId, answer.id);
            this.#repository.touchChat(chatId, now);
        });
        this.#replies.start(loaded, chat, answer, history);
        return this.get(chatId);
    }

    /** Writes on where a stopped or interrupted answer ended, in the same message. */
    continue(chatId: string, messageId: string): Message {
        const loaded = this.#replies.requireModel();
        this.#replies.requireIdle(chatId);
        const message = this.#requireMessage(chatId, messageId);
        if (!isCutShort(message))
            throw new PonderError("chat.continueCutOnly");
        if (!loaded.model.capabilities.continuesReplies)
            throw new PonderError("engine.cantContinue");
        if (message.stats?.limit?.name === "context")
            throw new PonderError("reply.contextFull", {contextSize: message.stats.limit.tokens});
        const chat = this.#requireChat(chatId);
        const history = pathTo(this.#repository.allMessages(chatId), messageId);
        // Resuming inside the reasoning reopens it.
        const resumed: Message = {...message, status: "streaming", error: null, reasoningEndedAt: message.text === "" ? null : message.reasoningEndedAt};
        this.#repository.transaction(() => {
            this.#repository.saveMessage(resumed);
            this.#repository.setActiveLeaf(chatId, this.#repository.newestLeafUnder(chatId, messageId));
            this.#repository.touchChat(chatId, Date.now());
        });
        this.#events.emit("chats.messageUpdated", {...resumed});
        this.#replies.start(loaded, chat, resumed, [...history.slice(0, -1), resumed], true);
        return resumed;
    }

    /**
     * Deletes one message: a question goes with its answers, and what followed is re-attached where
     * the deleted messages were, so the rest of the conversation stays. The branch on screen keeps
     * its end if that survived; otherwise it moves to a remaining version, or back. Undone by
     * {@link restoreMessage} until the app restarts.
     */
    deleteMessage(chatId: string, messageId: string): Chat {
        this.#replies.requireIdle(chatId);
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
            if (leafBefore != null && removedIds.has(leafBefore))
                this.#repository.setActiveLeaf(chatId, leafAfterDeleting(this.#repository.allMessages(chatId), message));
        });
        this.#deletedMessages.set(messageId, {removed, reattached: reattached.map(({id, parentId}) => ({id, parentId})), leafBefore});
        // Each kept deletion holds its messages' text; the oldest undo lapses first.
        if (this.#deletedMessages.size > maxUndoableMessageDeletes)
            this.#deletedMessages.delete(this.#deletedMessages.keys().next().value!);
        return this.get(chatId);
    }

    /** Undoes {@link deleteMessage}: the messages come back where they were, and the branch on screen with them. */
    restoreMessage(chatId: string, messageId: string): Chat {
        this.#replies.requireIdle(chatId);
        const deletion = this.#deletedMessages.get(messageId);
        if (deletion == null || deletion.removed[0]!.chatId !== chatId)
            throw new PonderError("chat.messageNotRestorable");
        this.#requireChat(chatId);
        const parentId = deletion.removed[0]!.parentId;
        if (parentId != null && !this.#repository.hasMessage(parentId))
            throw new PonderError("chat.messageNotRestorable");
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

    /** Stops the chat's reply, and only that one; resolves once what was generated is saved. */
    answerToolCall(chatId: string, callId: string, decision: ToolConsent): void {
        this.#replies.answerToolCall(chatId, callId, decision);
    }

    stop(chatId: string): Promise<void> {
        return this.#replies.stop(chatId);
    }

    /** "Answer now": the chat's reply ends its reasoning and answers. */
    answerNow(chatId: string): void {
        this.#replies.answerNow(chatId);
    }

    /** Stops every reply (the app is quitting) and saves what was generated. */
    stopAll(): Promise<void> {
        return this.#replies.stopAll();
    }

    /** Stops every reply, saving it, and drops exports still being read. */
    async dispose(): Promise<void> {
        await this.#replies.stopAll();
        this.#transfer.dispose();
    }

    /** Adds a user message after `history` (a new branch when history isn't the whole chat) and starts its answer. */
    #ask(loaded: ActiveModel, chat: ChatSummary, history: Message[], text: string, attachments: Attachment[] = []): SendResult {
        const now = Date.now();
        const userMessage = newMessage(chat.id, history.at(-1)?.id ?? null, "user", now, {text, status: "done", ...(attachments.length === 0 ? {} : {attachments})});
        const assistantMessage = newMessage(chat.id, userMessage.id, "assistant", now + 1, {status: "streaming"});
        this.#repository.transaction(() => {
            this.#repository.insertMessage(userMessage);
            this.#repository.insertMessage(assistantMessage);
            if (chat.title === "")
                this.#repository.updateChat(chat.id, {title: titleFrom(text)});
            this.#repository.setActiveLeaf(chat.id, assistantMessage.id);
            this.#repository.touchChat(chat.id, now);
        });
        this.#replies.start(loaded, chat, assistantMessage, [...history, userMessage]);
        return {chatId: chat.id, userMessage, assistantMessage};
    }

    #attachment(attachment: Pick<Attachment, "id" | "name">): Attachment {
        if (this.#describeAttachment == null)
            throw new PonderError("request.invalid", {request: "chats.send", field: "attachments", problem: "can't be read here"});
        return this.#describeAttachment(attachment);
    }

    #requireChat(chatId: string): ChatSummary {
        const summary = this.#repository.getChat(chatId);
        if (summary == null)
            throw new PonderError("chat.gone");
        return summary;
    }

    #requireMessage(chatId: string, messageId: string): Message {
        const message = this.#repository.getMessage(messageId);
        if (message == null || message.chatId !== chatId)
            throw new PonderError("chat.messageGone");
        return message;
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
        reasoningStartedAt: null,
        reasoningEndedAt: null,
        stats: null,
        error: null,
        toolCalls: [],
        ...fields
    };
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
