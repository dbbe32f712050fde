import {randomUUID} from "node:crypto";
import type {ChatArchive, ChatSummary, ExportFile} from "../../contract.ts";
import type {ChatRepository} from "./ChatRepository.ts";

type ArchivedChat = ChatArchive["chats"][number];

/** Export of chats as Markdown (to read) or JSON (to import back, losing nothing), and import. */
export class ChatTransfer {
    readonly #repository: ChatRepository;

    constructor(repository: ChatRepository) {
        this.#repository = repository;
    }

    /** One chat, or every chat when `chatId` is omitted. */
    export(chatId: string | undefined, format: "markdown" | "json"): ExportFile {
        const chats = this.#chats(chatId);
        const base = chatId == null ? `ponder-conversations-${dateStamp()}` : fileNameOf(chats[0]!.summary.title);
        if (format === "json") {
            const archive: ChatArchive = {format: "ponder.chats", version: 1, chats};
            return {fileName: `${base}.json`, mimeType: "application/json", content: JSON.stringify(archive, null, 2)};
        }
        return {fileName: `${base}.md`, mimeType: "text/markdown", content: chats.map((chat) => this.#markdown(chat)).join("\n\n---\n\n")};
    }

    /**
     * Adds the archive's chats. A chat already here (an archive imported twice, or exported from
     * this database) is added as a copy with new ids, so an import never overwrites anything.
     */
    import(archive: ChatArchive): ChatSummary[] {
        return this.#repository.transaction(() => archive.chats.map((chat) => {
            checkTree(chat);
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
            for (const message of chat.messages) {
                this.#repository.insertMessage({
                    ...message,
                    id: idOf(message.id),
                    chatId: summary.id,
                    parentId: message.parentId == null ? null : idOf(message.parentId),
                    // An archive made mid-reply holds a reply that will never finish.
                    status: message.status === "streaming" ? "interrupted" : message.status
                });
            }
            return summary;
        }));
    }

    #chats(chatId: string | undefined): ArchivedChat[] {
        const chats = chatId == null
            ? this.#repository.allChats()
            : [{summary: this.#requireChat(chatId), activeLeafId: this.#repository.activeLeafId(chatId)}];
        return chats.map((chat) => ({...chat, messages: this.#repository.allMessages(chat.summary.id)}));
    }

    #requireChat(chatId: string): ChatSummary {
        const summary = this.#repository.getChat(chatId);
        if (summary == null)
            throw new Error("That conversation no longer exists.");
        return summary;
    }

    /** The branch on screen, reasoning folded in a `<details>` block that Markdown viewers show collapsed. */
    #markdown(chat: ArchivedChat): string {
        const lines = [`# ${chat.summary.title || "Conversation"}`, ""];
        if (chat.summary.systemPrompt !== "")
            lines.push("**System prompt**", "", chat.summary.systemPrompt, "");
        for (const message of this.#repository.activeBranch(chat.summary.id).messages) {
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
            throw new Error(`The file is not a valid Ponder export: message ${message.id} does not fit in conversation "${chat.summary.title}".`);
        seen.add(message.id);
    }
    if (chat.activeLeafId != null && !seen.has(chat.activeLeafId))
        throw new Error(`The file is not a valid Ponder export: conversation "${chat.summary.title}" has no message ${chat.activeLeafId}.`);
}

function fileNameOf(title: string): string {
    const name = title.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, " ").replace(/\s+/g, " ").trim().slice(0, 60);
    return name === "" ? "conversation" : name;
}

function dateStamp(): string {
    return new Date().toISOString().slice(0, 10);
}
