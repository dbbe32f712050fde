import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {afterEach, beforeEach, describe, expect, test} from "vitest";
import type {Message} from "../../../electron/contract.ts";
import {ChatRepository} from "../../../electron/core/chats/ChatRepository.ts";
import {ChatService} from "../../../electron/core/chats/ChatService.ts";
import {EventBus} from "../../../electron/core/events/EventBus.ts";
import {ModelHost} from "../../../electron/core/models/ModelHost.ts";
import {ModelLibrary} from "../../../electron/core/models/ModelLibrary.ts";
import {openDatabase, type PonderDatabase} from "../../../electron/core/store/openDatabase.ts";

let dir: string;
let db: PonderDatabase;
let repository: ChatRepository;
let chats: ChatService;

beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "ponder-delete-"));
    db = openDatabase(path.join(dir, "ponder.db"));
    repository = new ChatRepository(db);
    const events = new EventBus();
    chats = new ChatService(repository, new ModelHost(new ModelLibrary(path.join(dir, "models")), events), events);
    repository.insertChat({id: "c1", title: "Two questions", createdAt: 1, updatedAt: 1, pinned: false, systemPrompt: "", sendReasoning: false});
    // Q1 → A1 (and a regenerated A1b) → Q2 → A2, the branch on screen going through A1.
    insert("q1", null, "user", 1);
    insert("a1", "q1", "assistant", 2);
    insert("a1b", "q1", "assistant", 3);
    insert("q2", "a1", "user", 4);
    insert("a2", "q2", "assistant", 5);
    repository.setActiveLeaf("c1", "a2");
});
afterEach(async () => {
    await chats.dispose();
    db.close();
    rmSync(dir, {recursive: true, force: true});
});

function insert(id: string, parentId: string | null, role: Message["role"], createdAt: number) {
    repository.insertMessage({
        id, chatId: "c1", parentId, role, text: id.toUpperCase(), reasoning: "", status: "done", createdAt,
        reasoningStartedAt: null, reasoningEndedAt: null, stats: null, error: null, toolCalls: []
    });
}

const shown = () => chats.get("c1").messages.map((message) => message.id);

describe("deleting one message", () => {
    test("a question goes with its answers; what followed stays, and undo puts everything back", () => {
        const after = chats.deleteMessage("c1", "q1");
        expect(after.messages.map((message) => message.id)).toEqual(["q2", "a2"]);
        expect(repository.getMessage("q2")?.parentId).toBeNull();
        expect(repository.hasMessage("a1b")).toBe(false);

        const restored = chats.restoreMessage("c1", "q1");
        expect(restored.messages.map((message) => message.id)).toEqual(["q1", "a1", "q2", "a2"]);
        expect(restored.alternatives).toEqual({a1: ["a1", "a1b"]});
        expect(repository.getMessage("q2")?.parentId).toBe("a1");
        expect(() => chats.restoreMessage("c1", "q1")).toThrow(/can no longer be restored/);
    });

    test("an answer goes alone: the next question stays under the one it answered", () => {
        expect(chats.deleteMessage("c1", "a1").messages.map((message) => message.id)).toEqual(["q1", "q2", "a2"]);
        expect(chats.restoreMessage("c1", "a1").messages.map((message) => message.id)).toEqual(["q1", "a1", "q2", "a2"]);
    });

    test("deleting the last answer moves the branch to a remaining version, or back to the question", () => {
        expect(chats.deleteMessage("c1", "a2").messages.map((message) => message.id)).toEqual(["q1", "a1", "q2"]);
        repository.setActiveLeaf("c1", "a1b");
        expect(chats.deleteMessage("c1", "a1b").messages.map((message) => message.id)).toEqual(["q1", "a1", "q2"]);
        chats.restoreMessage("c1", "a1b");
        expect(shown()).toEqual(["q1", "a1b"]);
    });

    test("a deletion whose place is gone can't be undone, and says so", () => {
        chats.deleteMessage("c1", "a2");
        chats.deleteMessage("c1", "q2");
        chats.deleteMessage("c1", "a1");
        expect(() => chats.restoreMessage("c1", "a2")).toThrow(/can no longer be restored/);
        expect(() => chats.restoreMessage("other", "a1")).toThrow(/can no longer be restored/);
    });
});
