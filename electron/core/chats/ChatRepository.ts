import type {Attachment, ChatListCursor, ChatSummary, Message, MessageSource, MessageStats, MessageStatus, MessageToolCall, SearchHit} from "../../contract.ts";
import type {PonderDatabase} from "../store/openDatabase.ts";
import {alternativesOn, newestLeafUnder, pathTo, type TreeMessage} from "./branchTree.ts";
import {ChatSearch} from "./ChatSearch.ts";
import {chatListOrder} from "../../contract/values.ts";
import {failureColumn, failureFromColumn} from "../store/failureColumn.ts";

interface MessageRow {
    id: string;
    chat_id: string;
    parent_id: string | null;
    role: Message["role"];
    text: string;
    reasoning: string;
    status: MessageStatus;
    created_at: number;
    reasoning_started_at: number | null;
    reasoning_ended_at: number | null;
    stats: string | null;
    error: string | null;
    tool_calls: string | null;
    /** JSON of the message's {@link Attachment}s; null when none. */
    attachments: string | null;
    /** JSON of an answer's {@link MessageSource}s; null when none. */
    sources: string | null;
}

interface SummaryRow {
    id: string;
    title: string;
    created_at: number;
    updated_at: number;
    pinned: number;
    system_prompt: string;
    send_reasoning: number;
}

interface ChatRow extends SummaryRow {
    active_leaf_id: string | null;
}

/** The conversation list's order ({@link chatListOrder}) in columns, all descending, so a page continues with a row comparison. */
const listColumns = chatListOrder.map((field) => ({pinned: "pinned", updatedAt: "updated_at", id: "id"})[field]);
const listOrderBy = `ORDER BY ${listColumns.map((column) => `${column} DESC`).join(", ")}`;

export type ChatChanges = Partial<Pick<ChatSummary, "title" | "pinned" | "systemPrompt" | "sendReasoning">>;

/** SQL for chats and messages; statements are prepared once. */
export class ChatRepository {
    readonly #db: PonderDatabase;
    readonly #statements;
    readonly #search: ChatSearch;

    constructor(db: PonderDatabase) {
        this.#db = db;
        this.#search = new ChatSearch(db);
        this.#statements = {
            // Both walk the index chats_by_activity backwards and stop after `limit` rows (-1: no limit).
            firstChats: db.prepare<[number], SummaryRow>(`SELECT id, title, created_at, updated_at, pinned, system_prompt, send_reasoning
                FROM chats WHERE deleted_at IS NULL ${listOrderBy} LIMIT ?`),
            chatsAfter: db.prepare<[number, number, string, number], SummaryRow>(`SELECT id, title, created_at, updated_at, pinned, system_prompt, send_reasoning
                FROM chats WHERE deleted_at IS NULL AND (${listColumns.join(", ")}) < (?, ?, ?)
                ${listOrderBy} LIMIT ?`),
            getChat: db.prepare<[string], ChatRow>("SELECT * FROM chats WHERE id = ? AND deleted_at IS NULL"),
            chatExists: db.prepare<[string], {id: string}>("SELECT id FROM chats WHERE id = ?"),
            insertChat: db.prepare(`INSERT INTO chats (id, title, created_at, updated_at, pinned, system_prompt, send_reasoning, active_leaf_id)
                VALUES (@id, @title, @createdAt, @updatedAt, @pinned, @systemPrompt, @sendReasoning, @activeLeafId)`),
            touchChat: db.prepare("UPDATE chats SET updated_at = ? WHERE id = ?"),
            updateChat: db.prepare(`UPDATE chats SET title = @title, pinned = @pinned, system_prompt = @systemPrompt,
                send_reasoning = @sendReasoning WHERE id = @id`),
            setActiveLeaf: db.prepare("UPDATE chats SET active_leaf_id = ? WHERE id = ?"),
            setDeleted: db.prepare("UPDATE chats SET deleted_at = ? WHERE id = ?"),
            purgeDeleted: db.prepare("DELETE FROM chats WHERE deleted_at IS NOT NULL"),
            deleteChat: db.prepare<[string]>("DELETE FROM chats WHERE id = ?"),
            allChats: db.prepare<[], ChatRow>("SELECT * FROM chats WHERE deleted_at IS NULL ORDER BY created_at, rowid"),
            chatMessages: db.prepare<[string], MessageRow>("SELECT * FROM messages WHERE chat_id = ? ORDER BY created_at, rowid"),
            newestMessage: db.prepare<[string], {id: string}>("SELECT id FROM messages WHERE chat_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1"),
            getMessage: db.prepare<[string], MessageRow>("SELECT * FROM messages WHERE id = ?"),
            messageExists: db.prepare<[string], {id: string}>("SELECT id FROM messages WHERE id = ?"),
            insertMessage: db.prepare(`INSERT INTO messages
                (id, chat_id, parent_id, role, text, reasoning, status, created_at, reasoning_started_at, reasoning_ended_at, stats, error, attachments, tool_calls, sources)
                VALUES (@id, @chatId, @parentId, @role, @text, @reasoning, @status, @createdAt, @reasoningStartedAt, @reasoningEndedAt, @stats, @error, @attachments, @toolCalls, @sources)`),
            saveMessage: db.prepare(`UPDATE messages SET text = @text, reasoning = @reasoning, status = @status,
                reasoning_started_at = @reasoningStartedAt, reasoning_ended_at = @reasoningEndedAt, stats = @stats, error = @error,
                tool_calls = @toolCalls, sources = @sources WHERE id = @id`),
            deleteMessage: db.prepare("DELETE FROM messages WHERE id = ?"),
            setParent: db.prepare("UPDATE messages SET parent_id = ? WHERE id = ?"),
            markInterrupted: db.prepare("UPDATE messages SET status = 'interrupted' WHERE status = 'streaming'")
        };
    }

    /**
     * Pinned first, then by last activity (ties by id); deleted chats (still restorable) are left
     * out. A page starts after the chat `after` (keyset paging: the cost of a page doesn't grow
     * with how far down it is) and holds at most `limit` chats, every one when omitted.
     */
    listChats({after, limit = -1}: {after?: ChatListCursor; limit?: number} = {}): ChatSummary[] {
        const rows = after == null
            ? this.#statements.firstChats.all(limit)
            : this.#statements.chatsAfter.all(Number(after.pinned), after.updatedAt, after.id, limit);
        return rows.map(toSummary);
    }

    getChat(chatId: string): ChatSummary | undefined {
        const row = this.#statements.getChat.get(chatId);
        return row && toSummary(row);
    }

    /** Whether a chat with this id exists, deleted or not. */
    hasChat(chatId: string): boolean {
        return this.#statements.chatExists.get(chatId) != null;
    }

    hasMessage(messageId: string): boolean {
        return this.#statements.messageExists.get(messageId) != null;
    }

    insertChat(chat: ChatSummary, activeLeafId: string | null = null): void {
        this.#statements.insertChat.run({...chat, pinned: Number(chat.pinned), sendReasoning: Number(chat.sendReasoning), activeLeafId});
    }

    touchChat(chatId: string, at: number): void {
        this.#statements.touchChat.run(at, chatId);
    }

    updateChat(chatId: string, changes: ChatChanges): ChatSummary | undefined {
        const chat = this.getChat(chatId);
        if (chat == null)
            return undefined;
        const updated = {...chat, ...changes};
        this.#statements.updateChat.run({
            id: chatId,
            title: updated.title,
            pinned: Number(updated.pinned),
            systemPrompt: updated.systemPrompt,
            sendReasoning: Number(updated.sendReasoning)
        });
        return updated;
    }

    /** Hides a chat until {@link restore} or {@link purgeDeleted}. */
    markDeleted(chatId: string, at: number): void {
        this.#statements.setDeleted.run(at, chatId);
    }

    restore(chatId: string): void {
        this.#statements.setDeleted.run(null, chatId);
    }

    /** Deletes for good the chats whose undo has lapsed (those deleted before this start). */
    purgeDeleted(): number {
        return this.#statements.purgeDeleted.run().changes;
    }

    /** Deletes a chat and its messages for good, at once (an import replacing it). */
    deleteForGood(chatId: string): void {
        this.#statements.deleteChat.run(chatId);
    }

    setActiveLeaf(chatId: string, messageId: string | null): void {
        this.#statements.setActiveLeaf.run(messageId, chatId);
    }

    /** Every message of a chat, every branch, oldest first (parents before children). */
    allMessages(chatId: string): Message[] {
        return this.#statements.chatMessages.all(chatId).map(toMessage);
    }

    /** The chats to export: every one not deleted, oldest first, with the leaf of the branch on screen. */
    allChats(): Array<{summary: ChatSummary; activeLeafId: string | null}> {
        return this.#statements.allChats.all().map((row) => ({summary: toSummary(row), activeLeafId: row.active_leaf_id}));
    }

    activeLeafId(chatId: string): string | null {
        const row = this.#statements.getChat.get(chatId);
        return row?.active_leaf_id ?? this.#statements.newestMessage.get(chatId)?.id ?? null;
    }

    /**
     * The branch on screen, from the root down to the chosen leaf, and the alternatives (siblings
     * of the same role: edits, regenerations) of each message on it.
     */
    activeBranch(chatId: string): {messages: Message[]; alternatives: Record<string, string[]>} {
        // Only the branch's rows become messages: a long chat's other branches are read as ids alone.
        const nodes = this.#treeOf(chatId);
        const branch = pathTo(nodes, this.activeLeafId(chatId));
        return {messages: branch.map(({row}) => toMessage(row)), alternatives: alternativesOn(nodes, branch)};
    }

    /** The newest message under this one, following the newest child at each step: where its branch ends. */
    newestLeafUnder(chatId: string, messageId: string): string {
        return newestLeafUnder(this.#treeOf(chatId), messageId);
    }

    #treeOf(chatId: string): Array<TreeMessage & {row: MessageRow}> {
        return this.#statements.chatMessages.all(chatId).map((row) => ({id: row.id, parentId: row.parent_id, role: row.role, row}));
    }

    search(query: string): SearchHit[] {
        return this.#search.search(query);
    }

    getMessage(messageId: string): Message | undefined {
        const row = this.#statements.getMessage.get(messageId);
        return row && toMessage(row);
    }

    insertMessage(message: Message): void {
        this.#statements.insertMessage.run(toParams(message));
    }

    saveMessage(message: Message): void {
        this.#statements.saveMessage.run(toParams(message));
    }

    /** Deletes a message and, through the parent links, every message still under it (move those away first to keep them). */
    deleteMessage(messageId: string): void {
        this.#statements.deleteMessage.run(messageId);
    }

    /** Re-attaches a message (and what follows it) under another parent, or at the root. */
    setParent(messageId: string, parentId: string | null): void {
        this.#statements.setParent.run(parentId, messageId);
    }

    /** Messages still "streaming" at startup were cut off by a crash or a kill. Returns how many. */
    markInterrupted(): number {
        return this.#statements.markInterrupted.run().changes;
    }

    transaction<T>(work: () => T): T {
        return this.#db.transaction(work)();
    }
}

function toSummary(row: SummaryRow): ChatSummary {
    return {
        id: row.id,
        title: row.title,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        pinned: row.pinned !== 0,
        systemPrompt: row.system_prompt,
        sendReasoning: row.send_reasoning !== 0
    };
}

function toMessage(row: MessageRow): Message {
    return {
        id: row.id,
        chatId: row.chat_id,
        parentId: row.parent_id,
        role: row.role,
        text: row.text,
        reasoning: row.reasoning,
        status: row.status,
        createdAt: row.created_at,
        reasoningStartedAt: row.reasoning_started_at,
        reasoningEndedAt: row.reasoning_ended_at,
        stats: row.stats == null ? null : JSON.parse(row.stats) as MessageStats,
        error: failureFromColumn(row.error),
        toolCalls: row.tool_calls == null ? [] : JSON.parse(row.tool_calls) as MessageToolCall[],
        ...(row.attachments == null ? {} : {attachments: JSON.parse(row.attachments) as Attachment[]}),
        ...(row.sources == null ? {} : {sources: JSON.parse(row.sources) as MessageSource[]})
    };
}

function toParams(message: Message) {
    const {attachments, sources, ...rest} = message;
    return {
        ...rest,
        sources: sources == null || sources.length === 0 ? null : JSON.stringify(sources),
        stats: message.stats == null ? null : JSON.stringify(message.stats),
        error: failureColumn(message.error),
        attachments: attachments == null || attachments.length === 0 ? null : JSON.stringify(attachments),
        // Most messages call no tool: nothing stored for them.
        toolCalls: message.toolCalls.length === 0 ? null : JSON.stringify(message.toolCalls)
    };
}
