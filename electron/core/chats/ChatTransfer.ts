import {PonderError} from "../../contract/errors.ts";
import {randomUUID} from "node:crypto";
import {chatArchiveVersion} from "../../contract/upgradeChatArchive.ts";
import type {ArchivedDocument, ChatArchive, ChatImportResult, ChatSummary, ExportPiece, ExportStart, Message, RequestArgs} from "../../contract.ts";
import type {ChatRepository} from "./ChatRepository.ts";

type ArchivedChat = ChatArchive["chats"][number];
export type DuplicateChoice = NonNullable<RequestArgs<"chats.import">["duplicates"]>;
export type ChatSettingsOverrides = NonNullable<ArchivedChat["settings"]>;

export type ChatFamily = NonNullable<ArchivedChat["family"]>;

/** A chat's own generation settings and chosen family preset, kept by SettingsService; exported and imported with the chat. */
export interface ChatSettingsStore {
    chatOverrides(chatId: string): ChatSettingsOverrides;
    setChatOverrides(chatId: string, overrides: ChatSettingsOverrides): void;
    /** The family preset chosen for the chat; null when it follows the model's. */
    chatFamily(chatId: string): ChatFamily | null;
    setChatFamily(chatId: string, family: ChatFamily): void;
}

/** The attached documents' text (AttachmentStore), which a JSON export carries once per content hash. */
export interface DocumentArchive {
    /** A stored document; undefined when the data folder no longer has it. */
    archived(id: string): ArchivedDocument | undefined;
    /** Keeps an imported document under its hash, unless it is already kept. `name` is a file name a message gives it. */
    restore(id: string, name: string, document: ArchivedDocument): void;
}

export interface ChatTransferOptions {
    /** Where attached documents are kept; without it, exports leave their text out. */
    documents?: DocumentArchive;
    /** A piece of an export holds whole chats up to about this many characters (one big chat may exceed it). Defaults to 1 MiB. */
    pieceChars?: number;
    /** An export nobody has read from for this long is dropped (its reader went away). Defaults to 5 minutes. */
    idleMs?: number;
}

interface OpenExport {
    pieces: Iterator<string>;
    /** The text that comes next, read ahead so that the last piece is known to be the last. */
    next: IteratorResult<string>;
    expiry: NodeJS.Timeout;
}

/**
 * Export of chats as Markdown (to read) or JSON (to import back, losing nothing), and import.
 * An export is written a chat at a time as its reader asks for the next piece, so neither side
 * ever holds every conversation in one string.
 */
export class ChatTransfer {
    readonly #repository: ChatRepository;
    readonly #settings: ChatSettingsStore | undefined;
    readonly #documents: DocumentArchive | undefined;
    readonly #pieceChars: number;
    readonly #idleMs: number;
    readonly #exports = new Map<string, OpenExport>();

    constructor(repository: ChatRepository, settings?: ChatSettingsStore, options: ChatTransferOptions = {}) {
        this.#repository = repository;
        this.#settings = settings;
        this.#documents = options.documents;
        this.#pieceChars = options.pieceChars ?? 1024 * 1024;
        this.#idleMs = options.idleMs ?? 5 * 60_000;
    }

    /** Starts exporting one chat, or every chat when `chatId` is omitted; {@link read} gives its text. */
    export(chatId: string | undefined, format: "markdown" | "json"): ExportStart {
        const chats = chatId == null
            ? this.#repository.allChats()
            : [{summary: this.#requireChat(chatId), activeLeafId: this.#repository.activeLeafId(chatId)}];
        const base = chatId == null ? `ponder-conversations-${dateStamp()}` : fileNameOf(chats[0]!.summary.title);
        const exportId = randomUUID();
        const pieces = format === "json" ? this.#jsonPieces(chats) : this.#markdownPieces(chats);
        this.#exports.set(exportId, {pieces, next: pieces.next(), expiry: this.#expiry(exportId)});
        return format === "json"
            ? {exportId, fileName: `${base}.json`, mimeType: "application/json"}
            : {exportId, fileName: `${base}.md`, mimeType: "text/markdown"};
    }

    /** The export's next piece: whole chats, up to `pieceChars` long (or one chat, if longer); the last one is marked done. */
    read(exportId: string): ExportPiece {
        const open = this.#exports.get(exportId);
        if (open == null)
            throw new PonderError("chat.exportEnded");
        clearTimeout(open.expiry);
        let content = "";
        while (!open.next.done && (content === "" || content.length + open.next.value.length <= this.#pieceChars)) {
            content += open.next.value;
            open.next = open.pieces.next();
        }
        const done = open.next.done === true;
        if (done)
            this.#exports.delete(exportId);
        else
            open.expiry = this.#expiry(exportId);
        return {content, done};
    }

    /** Drops the exports still open. */
    dispose(): void {
        for (const open of this.#exports.values())
            clearTimeout(open.expiry);
        this.#exports.clear();
    }

    /** The archive's chats that are here already (and not deleted), as `ask` reports them. */
    duplicatesOf(archive: ChatArchive): ChatImportResult["duplicates"] {
        return archive.chats
            .filter((chat) => this.#repository.getChat(chat.summary.id) != null)
            .map((chat) => ({id: chat.summary.id, title: chat.summary.title}));
    }

    /**
     * Adds the archive's chats. A chat already here (an archive imported twice, or exported from
     * this database) is skipped, added as a copy with new ids, or replaces the one here, as
     * `duplicates` says; `ask` imports nothing while there are any and reports them. Messages
     * whose ids are taken by another chat are always copied, so an import never overwrites
     * anything it wasn't told to. The archive's documents are kept first, so that no imported
     * message names a document the data folder lacks; one already kept (same hash) is left as it is.
     */
    import(archive: ChatArchive, duplicates: DuplicateChoice = "ask"): ChatImportResult {
        const found = this.duplicatesOf(archive);
        if (duplicates === "ask" && found.length > 0)
            return {imported: [], duplicates: found};
        for (const chat of archive.chats)
            checkTree(chat);
        for (const [id, document] of Object.entries(archive.attachments ?? {}))
            this.#documents?.restore(id, nameOf(id, archive.chats), document);
        const here = new Set(found.map(({id}) => id));
        const imported = this.#repository.transaction(() => archive.chats.flatMap((chat) => {
            if (here.has(chat.summary.id)) {
                if (duplicates === "skip")
                    return [];
                if (duplicates === "replace")
                    this.#repository.deleteForGood(chat.summary.id);
            }
            const clash = this.#repository.hasChat(chat.summary.id) || chat.messages.some((message) => this.#repository.hasMessage(message.id));
            const ids = new Map<string, string>();
            const idOf = (id: string) => {
                if (!clash)
                    return id;
                let mapped = ids.get(id);
                if (mapped == null)
                    ids.set(id, mapped = randomUUID());
                return mapped;
            };
            const summary = {...chat.summary, id: idOf(chat.summary.id)};
            this.#repository.insertChat(summary, chat.activeLeafId == null ? null : idOf(chat.activeLeafId));
            if (chat.settings != null && Object.keys(chat.settings).length > 0)
                this.#settings?.setChatOverrides(summary.id, chat.settings);
            if (chat.family != null)
                this.#settings?.setChatFamily(summary.id, chat.family);
            for (const message of chat.messages) {
                this.#repository.insertMessage({
                    ...message,
                    id: idOf(message.id),
                    chatId: summary.id,
                    parentId: message.parentId == null ? null : idOf(message.parentId),
                    toolCalls: message.toolCalls ?? [],
                    // An archive made mid-reply holds a reply that will never finish.
                    status: message.status === "streaming" ? "interrupted" : message.status
                });
            }
            return [summary];
        }));
        return {imported, duplicates: duplicates === "skip" ? found : []};
    }

    #expiry(exportId: string): NodeJS.Timeout {
        return setTimeout(() => this.#exports.delete(exportId), this.#idleMs).unref();
    }

    /** The same text as `JSON.stringify(archive, null, 2)`, a chat (then a document) at a time. */
    * #jsonPieces(chats: Array<Omit<ArchivedChat, "messages">>): Generator<string> {
        yield `{\n  "format": "ponder.chats",\n  "version": ${chatArchiveVersion},\n  "chats": [`;
        const documentIds = new Set<string>();
        for (const [index, chat] of chats.entries()) {
            const archived: ArchivedChat = {...chat, ...this.#settingsOf(chat.summary.id), messages: this.#repository.allMessages(chat.summary.id)};
            for (const id of archived.messages.flatMap(attachmentIdsOf))
                documentIds.add(id);
            yield (index === 0 ? "\n    " : ",\n    ") + JSON.stringify(archived, null, 2).replaceAll("\n", "\n    ");
        }
        // The chats' closing goes with the next piece, so that an archive without documents ends in one.
        let closing = chats.length === 0 ? "]" : "\n  ]";
        let documents = 0;
        for (const id of documentIds) {
            const document = this.#documents?.archived(id);
            if (document == null)
                continue;
            yield closing + (documents++ === 0 ? ",\n  \"attachments\": {\n    " : ",\n    ") + `${JSON.stringify(id)}: ${JSON.stringify(document, null, 2).replaceAll("\n", "\n    ")}`;
            closing = "";
        }
        yield closing + (documents === 0 ? "\n}" : "\n  }\n}");
    }

    * #markdownPieces(chats: Array<Omit<ArchivedChat, "messages">>): Generator<string> {
        for (const [index, chat] of chats.entries())
            yield (index === 0 ? "" : "\n\n---\n\n") + this.#markdown(chat.summary);
    }

    /** The chat's own settings and chosen family, where it has them (the archive leaves the keys out otherwise). */
    #settingsOf(chatId: string): Pick<ArchivedChat, "settings" | "family"> {
        const settings = this.#settings?.chatOverrides(chatId);
        const family = this.#settings?.chatFamily(chatId);
        return {
            ...(settings == null || Object.keys(settings).length === 0 ? {} : {settings}),
            ...(family == null ? {} : {family})
        };
    }

    #requireChat(chatId: string): ChatSummary {
        const summary = this.#repository.getChat(chatId);
        if (summary == null)
            throw new PonderError("chat.gone");
        return summary;
    }

    /** The branch on screen, reasoning folded in a `<details>` block that Markdown viewers show collapsed. */
    #markdown(summary: ChatSummary): string {
        const lines = [`# ${summary.title || "Conversation"}`, ""];
        if (summary.systemPrompt !== "")
            lines.push("**System prompt**", "", summary.systemPrompt, "");
        for (const message of this.#repository.activeBranch(summary.id).messages) {
            lines.push(message.role === "user" ? "## You" : "## Assistant", "");
            if (message.reasoning !== "")
                lines.push("<details>", "<summary>Reasoning</summary>", "", message.reasoning.trim(), "", "</details>", "");
            lines.push(message.text.trim(), "");
        }
        return lines.join("\n").trimEnd() + "\n";
    }
}

/** Rejects archives whose messages point outside their chat or come before their parents. */
function checkTree(chat: ArchivedChat) {
    const seen = new Set<string>();
    for (const message of chat.messages) {
        if (message.chatId !== chat.summary.id || (message.parentId != null && !seen.has(message.parentId)))
            throw new PonderError("chat.importMessageMisplaced", {message: message.id, title: chat.summary.title});
        seen.add(message.id);
    }
    if (chat.activeLeafId != null && !seen.has(chat.activeLeafId))
        throw new PonderError("chat.importLeafMissing", {title: chat.summary.title, message: chat.activeLeafId});
}

/** The documents a message refers to: those it attaches, and those its answer cites. */
function attachmentIdsOf(message: Pick<Message, "attachments" | "sources">): string[] {
    return [...(message.attachments ?? []).map((attachment) => attachment.id), ...(message.sources ?? []).map((source) => source.attachmentId)];
}

/** The name a message of the archive gives a document, for messages about it. */
function nameOf(id: string, chats: ChatArchive["chats"]): string {
    for (const chat of chats) {
        for (const message of chat.messages) {
            const attachment = message.attachments?.find((each) => each.id === id);
            if (attachment != null)
                return attachment.name;
        }
    }
    return id;
}

function fileNameOf(title: string): string {
    const name = title.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, " ").replace(/\s+/g, " ").trim().slice(0, 60);
    return name === "" ? "conversation" : name;
}

function dateStamp(): string {
    return new Date().toISOString().slice(0, 10);
}
