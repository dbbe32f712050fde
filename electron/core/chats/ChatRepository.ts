import type {ChatSummary, Message, MessageStats, MessageStatus} from "../../contract.ts";
import type {PonderDatabase} from "../store/openDatabase.ts";

interface MessageRow {
    id: string;
    chat_id: string;
    parent_id: string | null;
    role: Message["role"];
    text: string;
    reasoning: string;
    status: MessageStatus;
    created_at: number;
    thinking_started_at: number | null;
    thinking_ended_at: number | null;
    stats: string | null;
    error: string | null;
}

interface ChatRow {
    id: string;
    title: string;
    created_at: number;
    updated_at: number;
}

/** SQL for chats and messages; statements are prepared once. */
export class ChatRepository {
    readonly #db: PonderDatabase;
    readonly #statements;

    constructor(db: PonderDatabase) {
        this.#db = db;
        this.#statements = {
            listChats: db.prepare<[], ChatRow>("SELECT * FROM chats ORDER BY updated_at DESC"),
            getChat: db.prepare<[string], ChatRow>("SELECT * FROM chats WHERE id = ?"),
            insertChat: db.prepare("INSERT INTO chats (id, title, created_at, updated_at) VALUES (@id, @title, @createdAt, @updatedAt)"),
            touchChat: db.prepare("UPDATE chats SET updated_at = ? WHERE id = ?"),
            setChatTitle: db.prepare("UPDATE chats SET title = ? WHERE id = ?"),
            chatMessages: db.prepare<[string], MessageRow>("SELECT * FROM messages WHERE chat_id = ? ORDER BY created_at, rowid"),
            getMessage: db.prepare<[string], MessageRow>("SELECT * FROM messages WHERE id = ?"),
            insertMessage: db.prepare(`INSERT INTO messages
                (id, chat_id, parent_id, role, text, reasoning, status, created_at, thinking_started_at, thinking_ended_at, stats, error)
                VALUES (@id, @chatId, @parentId, @role, @text, @reasoning, @status, @createdAt, @thinkingStartedAt, @thinkingEndedAt, @stats, @error)`),
            saveMessage: db.prepare(`UPDATE messages SET text = @text, reasoning = @reasoning, status = @status,
                thinking_started_at = @thinkingStartedAt, thinking_ended_at = @thinkingEndedAt, stats = @stats, error = @error
                WHERE id = @id`),
            markInterrupted: db.prepare("UPDATE messages SET status = 'interrupted' WHERE status = 'streaming'")
        };
    }

    listChats(): ChatSummary[] {
        return this.#statements.listChats.all().map(toSummary);
    }

    getChat(chatId: string): ChatSummary | undefined {
        const row = this.#statements.getChat.get(chatId);
        return row && toSummary(row);
    }

    insertChat(chat: ChatSummary): void {
        this.#statements.insertChat.run(chat);
    }

    touchChat(chatId: string, at: number): void {
        this.#statements.touchChat.run(at, chatId);
    }

    setChatTitle(chatId: string, title: string): void {
        this.#statements.setChatTitle.run(title, chatId);
    }

    /**
     * The active branch: from the newest message back to the root through parent links. With
     * no branches yet (edits come later) this is every message in order.
     */
    activeBranch(chatId: string): Message[] {
        const rows = this.#statements.chatMessages.all(chatId);
        const leaf = rows.at(-1);
        if (leaf == null)
            return [];
        const byId = new Map(rows.map((row) => [row.id, row]));
        const branch: Message[] = [];
        for (let row: MessageRow | undefined = leaf; row != null; row = row.parent_id == null ? undefined : byId.get(row.parent_id))
            branch.push(toMessage(row));
        return branch.reverse();
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

    /** Messages still "streaming" at startup were cut off by a crash or a kill. Returns how many. */
    markInterrupted(): number {
        return this.#statements.markInterrupted.run().changes;
    }

    transaction<T>(work: () => T): T {
        return this.#db.transaction(work)();
    }
}

function toSummary(row: ChatRow): ChatSummary {
    return {id: row.id, title: row.title, createdAt: row.created_at, updatedAt: row.updated_at};
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
        thinkingStartedAt: row.thinking_started_at,
        thinkingEndedAt: row.thinking_ended_at,
        stats: row.stats == null ? null : JSON.parse(row.stats) as MessageStats,
        error: row.error
    };
}

function toParams(message: Message) {
    return {...message, stats: message.stats == null ? null : JSON.stringify(message.stats)};
}
