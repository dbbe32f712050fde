/**
 * Conversations: the list, messages and their branches, replies, search, export and import.
 * The requests' argument schemas (built with the zod the main side passes in, so this module loads
 * without it), their results, events and the values they carry; ../contract.ts joins every domain.
 */
import type {z} from "zod";
import {type Attachment, type DocumentIndexing, type MessageSource, attachmentRefSchema} from "./documents.ts";
import {modelFamilies, replySettingsSchema} from "./settings.ts";
import type {RequestSchemaBuilders, Zod} from "./RequestSchemaBuilders.ts";
import {everyName} from "./everyName.ts";
import {chatArchiveVersion, upgradeChatArchive} from "./upgradeChatArchive.ts";
import {isPonderErrorData, type Failure, type PonderErrorData} from "./errors.ts";

/** The most chats one page of the conversation list may hold (the renderer reloads at most this many). */
export const maxChatPageSize = 500;

export const chatsRequests = {
    /** A page of the conversation list; the next page starts after the last chat of this one. */
    "chats.list": ({z, id}) => z.strictObject({
        after: z.strictObject({id, pinned: z.boolean(), updatedAt: z.number().int()}).optional(),
        /** Defaults to `chatPageSize` (values.ts). */
        limit: z.number().int().min(1).max(maxChatPageSize).optional()
    }),
    "chats.get": ({z, id}) => z.strictObject({chatId: id}),
    "chats.create": ({z}) => z.undefined(),
    "chats.send": ({z, id}) => z.strictObject({
        /** Omitted: start a new chat with this message. */
        chatId: id.optional(),
        text: z.string().trim().min(1).max(200_000),
        /** Documents stored with `attachments.finish`, read into the prompt with the message. */
        attachments: z.array(attachmentRefSchema(z)).max(20).optional()
    }),
    "chats.stop": ({z, id}) => z.strictObject({chatId: id}),
    /** "Answer now": the chat's reply closes its reasoning and answers. */
    "chats.answerNow": ({z, id}) => z.strictObject({chatId: id}),
    /** The user's answer to a tool call waiting for consent in the chat's reply. */
    "chats.answerToolCall": ({z, id}) => z.strictObject({chatId: id, callId: id, decision: z.enum(["allowOnce", "alwaysAllow", "deny"])}),
    "chats.update": ({z, id}) => z.strictObject({
        chatId: id,
        title: z.string().trim().min(1).max(200).optional(),
        pinned: z.boolean().optional(),
        systemPrompt: z.string().max(20_000).optional(),
        sendReasoning: z.boolean().optional()
    }),
    "chats.delete": ({z, id}) => z.strictObject({chatId: id}),
    "chats.restore": ({z, id}) => z.strictObject({chatId: id}),
    "chats.search": ({z}) => z.strictObject({query: z.string().trim().min(1).max(200)}),
    "chats.showMessage": ({z, id}) => z.strictObject({chatId: id, messageId: id}),
    "chats.edit": ({z, id}) => z.strictObject({chatId: id, messageId: id, text: z.string().trim().min(1).max(200_000)}),
    "chats.regenerate": ({z, id}) => z.strictObject({chatId: id, messageId: id}),
    "chats.continue": ({z, id}) => z.strictObject({chatId: id, messageId: id}),
    "chats.deleteMessage": ({z, id}) => z.strictObject({chatId: id, messageId: id}),
    /** Undoes `chats.deleteMessage` of this message (until the app restarts). */
    "chats.restoreMessage": ({z, id}) => z.strictObject({chatId: id, messageId: id}),
    /** Starts an export; its text is then read in pieces with `chats.readExport`. */
    "chats.export": ({z, id}) => z.strictObject({
        /** Omitted: every conversation. */
        chatId: id.optional(),
        format: z.enum(["markdown", "json"])
    }),
    "chats.readExport": ({z, id}) => z.strictObject({exportId: id}),
    /** Imports an archive uploaded with `attachments.begin` (purpose `archive`) and `write`: one too large for a single message. */
    "chats.importUpload": ({z, id}) => z.strictObject({
        uploadId: id,
        duplicates: z.enum(["ask", "skip", "copy", "replace"]).optional()
    }),
    "chats.import": ({z, id}) => z.strictObject({
        archive: chatArchiveSchema(z, id),
        /** What to do with chats already here: ask (the default: import nothing, answer with them), skip them, add copies, or replace them. */
        duplicates: z.enum(["ask", "skip", "copy", "replace"]).optional()
    })
} satisfies RequestSchemaBuilders;

export interface ChatsResults {
    "chats.list": ChatPage;
    "chats.get": Chat;
    "chats.create": ChatSummary;
    "chats.send": SendResult;
    "chats.stop": void;
    "chats.answerNow": void;
    "chats.answerToolCall": void;
    "chats.update": ChatSummary;
    "chats.delete": void;
    "chats.restore": ChatSummary;
    "chats.search": SearchHit[];
    "chats.showMessage": Chat;
    "chats.edit": Chat;
    "chats.regenerate": Chat;
    "chats.continue": Message;
    "chats.deleteMessage": Chat;
    "chats.restoreMessage": Chat;
    "chats.export": ExportStart;
    "chats.readExport": ExportPiece;
    "chats.import": ChatImportResult;
    "chats.importUpload": ChatImportResult;
}

/** What `chats.import` did: the chats added, and the archive's chats already here that it left alone (`ask`: then nothing was imported; `skip`). */
export interface ChatImportResult {
    imported: ChatSummary[];
    duplicates: Array<{id: string; title: string}>;
}

export interface ChatsEvents {
    /** The list's chats change one at a time, so the renderer gets what changed, never the whole list. */
    "chats.listChanged": ChatListChange;
    "chats.delta": ChatDelta;
    /** A message's full state after a change of status (started, finished, stopped, failed). */
    "chats.messageUpdated": Message;
    /** A tool call of a streaming reply appeared or changed (waiting for consent, running, done). */
    "chats.toolCall": {chatId: string; messageId: string; call: MessageToolCall};
    /**
     * A reply reading documents too long for the context: while their passages are embedded,
     * `indexing` says how far (the reply's Stop cancels it); then `sources` are the passages chosen.
     */
    "chats.sources": {chatId: string; messageId: string; indexing: DocumentIndexing | null; sources: MessageSource[]};
}

export const chatsEventNames = everyName<keyof ChatsEvents>()(["chats.listChanged", "chats.delta", "chats.messageUpdated", "chats.toolCall", "chats.sources"]);

/** A JSON export of conversations (`chats.export` with `json`), as `chats.import` takes it back (any version, brought to this one). */
function chatArchiveSchema(z: Zod, id: z.ZodString) {
    const time = z.number().int().nonnegative();
    /** The text of an error, or a coded error (translated when shown). */
    const failure = z.union([z.string().max(10_000), z.custom<PonderErrorData>(isPonderErrorData, {message: "is not a known error code"})]);
    const stats = z.strictObject({
        modelId: z.string().max(1000),
        contextTokens: z.number().int().nonnegative().optional(),
        droppedTurns: z.number().int().nonnegative().optional(),
        timeToFirstTokenMs: z.number().nonnegative(),
        tokensPerSecond: z.number().nonnegative(),
        reasoningMs: z.number().nonnegative(),
        reasoningTokens: z.number().int().nonnegative(),
        answerTokens: z.number().int().nonnegative(),
        stopReason: z.enum(["finished", "stopped", "budget", "length", "error", "toolCall"]),
        limit: z.strictObject({name: z.enum(["maxTokens", "context"]), tokens: z.number().int().positive()}).optional(),
        toolMs: z.number().nonnegative().optional(),
        draft: z.strictObject({accepted: z.number().int().nonnegative(), drafted: z.number().int().nonnegative()}).optional()
    });
    const toolCall = z.strictObject({
        id,
        name: z.string().max(1000),
        serverName: z.string().max(1000).nullable(),
        arguments: z.string().max(1_000_000),
        status: z.enum(["awaitingConsent", "running", "done", "failed", "denied", "stopped"]),
        result: z.string().max(10_000_000).nullable(),
        isError: z.boolean(),
        truncatedFromChars: z.number().int().nonnegative().nullable(),
        error: failure.nullable(),
        reasoningOffset: z.number().int().nonnegative(),
        textOffset: z.number().int().nonnegative(),
        segment: z.enum(["reasoning", "answer"]).optional(),
        durationMs: z.number().nonnegative().nullable()
    });
    const message = z.strictObject({
        id,
        chatId: id,
        parentId: id.nullable(),
        role: z.enum(["user", "assistant"]),
        text: z.string(),
        reasoning: z.string(),
        status: z.enum(["streaming", "done", "stopped", "error", "interrupted"]),
        createdAt: time,
        reasoningStartedAt: time.nullable(),
        reasoningEndedAt: time.nullable(),
        stats: stats.nullable(),
        error: failure.nullable(),
        /** Absent in exports from before tools. */
        toolCalls: z.array(toolCall).max(1000).optional(),
        attachments: z.array(attachmentRefSchema(z).extend({
            kind: z.enum(["text", "pdf", "docx", "html"]),
            pages: z.number().int().positive().nullable(),
            tokens: z.number().int().nonnegative(),
            sizeBytes: z.number().int().nonnegative()
        })).max(20).optional(),
        sources: z.array(z.strictObject({
            attachmentId: z.string().regex(/^[0-9a-f]{64}$/),
            name: z.string().trim().min(1).max(255),
            page: z.number().int().positive().nullable(),
            piece: z.number().int().nonnegative(),
            text: z.string().max(100_000)
        })).max(100).optional()
    });
    const chat = z.strictObject({
        summary: z.strictObject({
            id,
            title: z.string().max(1000),
            createdAt: time,
            updatedAt: time,
            pinned: z.boolean(),
            systemPrompt: z.string().max(20_000),
            sendReasoning: z.boolean()
        }),
        activeLeafId: id.nullable(),
        /** The chat's own generation settings (what differs from the model's); absent when none. */
        settings: replySettingsSchema(z).partial().optional(),
        /** The family preset chosen for the chat; absent when it follows the model's (and in archives from before it was kept). */
        family: z.enum(modelFamilies).optional(),
        /** Every message of the chat, every branch, parents before children. */
        messages: z.array(message).max(1_000_000)
    });
    const document = z.strictObject({
        kind: z.enum(["text", "pdf", "docx", "html"]),
        pages: z.array(z.strictObject({number: z.number().int().positive().nullable(), text: z.string()})).max(1_000_000),
        encoding: z.string().max(64).optional(),
        sizeBytes: z.number().int().nonnegative(),
        tokens: z.number().int().nonnegative()
    });
    return z.preprocess(upgradeChatArchive, z.strictObject({
        format: z.literal("ponder.chats"),
        version: z.literal(chatArchiveVersion),
        chats: z.array(chat).max(100_000),
        /** The text of every document the messages attach, once per content hash; absent when none (and in exports from before attachments). */
        attachments: z.record(z.string().regex(/^[0-9a-f]{64}$/), document).optional()
    }));
}

export interface SendResult {
    chatId: string;
    userMessage: Message;
    assistantMessage: Message;
}

export interface ChatSummary {
    id: string;
    title: string;
    createdAt: number;
    updatedAt: number;
    pinned: boolean;
    /** Sent to the model before the conversation; empty for none. */
    systemPrompt: string;
    /** Whether earlier answers' reasoning is sent back to the model (off by default). */
    sendReasoning: boolean;
    /** Present while a reply streams into the chat or waits to start. */
    reply?: ChatReplyState;
}

/** A chat's reply in progress: generating, or waiting for a free sequence behind `ahead` others. */
export type ChatReplyState = {state: "generating"} | {state: "waiting"; ahead: number};

export type MessageRole = "user" | "assistant";

/** `interrupted`: the app stopped (crash, quit) while the message streamed. */
export type MessageStatus = "streaming" | "done" | "stopped" | "error" | "interrupted";

/** `toolCall`: the model called a tool and waits for its result (API replies; a chat runs the call and goes on). */
export type StopReason = "finished" | "stopped" | "budget" | "length" | "error" | "toolCall";

export interface MessageStats {
    modelId: string;
    /** Tokens the conversation took in the context once this reply was written (prompt and reply). */
    contextTokens?: number;
    /** Earlier messages left out of the prompt because the conversation outgrew the context. */
    droppedTurns?: number;
    timeToFirstTokenMs: number;
    tokensPerSecond: number;
    reasoningMs: number;
    reasoningTokens: number;
    answerTokens: number;
    stopReason: StopReason;
    /** For a reply cut by `length`: which limit it reached (where the engine says). */
    limit?: ReplyLimit;
    /** Time the reply spent on tool calls (asking and running), not counted as decoding. */
    toolMs?: number;
    /** With a draft model or prompt lookup: the drafted tokens the model accepted, of those it was offered to check. */
    draft?: {accepted: number; drafted: number};
}

/** The limit a reply cut by length reached, and its size: Max tokens, or the model's context. */
export interface ReplyLimit {
    name: "maxTokens" | "context";
    tokens: number;
}

/** A tool call in a reply's timeline, where it happened between the reasoning and the answer. */
export interface MessageToolCall {
    id: string;
    /** The tool's name as the model called it. */
    name: string;
    /** The server whose tool ran; null when the call named no offered tool or couldn't be read. */
    serverName: string | null;
    /** The arguments as JSON (or the model's text, when it wasn't JSON). */
    arguments: string;
    status: "awaitingConsent" | "running" | "done" | "failed" | "denied" | "stopped";
    /** The result's text as the model read it (cut to the limit). */
    result: string | null;
    /** The tool itself reported a failure in its result. */
    isError: boolean;
    /** The whole result's length when it was cut; null when whole. */
    truncatedFromChars: number | null;
    /** Why it failed: a timeout, a stopped server, a call the model got wrong, the call limit. */
    error: Failure | null;
    /** Where it happened: after this much of the message's reasoning and of its answer. */
    reasoningOffset: number;
    textOffset: number;
    /** Whether the model made it inside its reasoning or in its answer; absent in messages from before it was kept. */
    segment?: "reasoning" | "answer";
    durationMs: number | null;
}

export interface Message {
    id: string;
    chatId: string;
    parentId: string | null;
    role: MessageRole;
    /** The answer (assistant) or the prompt (user); never contains reasoning or think tags. */
    text: string;
    reasoning: string;
    status: MessageStatus;
    createdAt: number;
    /** When the reasoning began and ended (epoch ms); null until known. */
    reasoningStartedAt: number | null;
    reasoningEndedAt: number | null;
    stats: MessageStats | null;
    error: Failure | null;
    /** The reply's tool calls, in order. */
    toolCalls: MessageToolCall[];
    /** Documents attached to a question; absent when none. */
    attachments?: Attachment[];
    /** The passages of attached documents an answer was given to read (documents too long for the context); absent when none. */
    sources?: MessageSource[];
}

export interface Chat {
    summary: ChatSummary;
    /** The active branch, oldest first. */
    messages: Message[];
    /** For each message of the branch that has alternatives (edits, regenerations): every version's id, oldest first. */
    alternatives: Record<string, string[]>;
}

/** A search result: one message, with a snippet of its text or reasoning around the match. */
export interface SearchHit {
    chatId: string;
    chatTitle: string;
    messageId: string;
    role: MessageRole;
    /** Which of the message's texts matched. */
    field: "text" | "reasoning";
    /** The snippet in pieces; `match` pieces are what the query found (shown highlighted). */
    snippet: Array<{text: string; match: boolean}>;
    createdAt: number;
}

/** A page of the conversation list (`chats.list`). */
export interface ChatPage {
    chats: ChatSummary[];
    /** Whether more chats follow the last one of this page. */
    more: boolean;
}

/** Where a page of the conversation list starts: after this chat in the list's order. */
export type ChatListCursor = Pick<ChatSummary, "id" | "pinned" | "updatedAt">;

/**
 * A change to the conversation list: one chat added or changed (it may have moved), one removed,
 * or so many changed at once (an import) that the list is best loaded again.
 */
export type ChatListChange =
    | {kind: "upsert"; chat: ChatSummary}
    | {kind: "remove"; chatId: string}
    | {kind: "reload"};

/** An export being written: its text comes in pieces from `chats.readExport`, so no reply holds it all. */
export interface ExportStart {
    exportId: string;
    fileName: string;
    mimeType: "text/markdown" | "application/json";
}

/** The next piece of an export's text; after the one with `done`, the export is gone. */
export interface ExportPiece {
    content: string;
    done: boolean;
}

export type ChatArchive = z.infer<ReturnType<typeof chatArchiveSchema>>;
/** An attached document's text as an archive carries it (and the data folder keeps it). */
export type ArchivedDocument = NonNullable<ChatArchive["attachments"]>[string];

/** Text appended to a streaming message since the previous delta (batched, ≤ 1 per 33 ms). */
export interface ChatDelta {
    chatId: string;
    messageId: string;
    reasoning: string;
    text: string;
    reasoningStartedAt: number | null;
    reasoningEndedAt: number | null;
    /**
     * The context tokens the conversation fills as of this delta (prompt and reply so far,
     * reasoning included), for a live context meter; absent where the engine doesn't count them.
     */
    contextTokens?: number;
}
