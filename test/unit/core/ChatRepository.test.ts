import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {afterEach, beforeEach, describe, expect, test} from "vitest";
import type {Message} from "../../../electron/contract.ts";
import {ChatRepository} from "../../../electron/core/chats/ChatRepository.ts";
import {migrations} from "../../../electron/core/store/migrations.ts";
import {openDatabase, type PonderDatabase} from "../../../electron/core/store/openDatabase.ts";

let dir: string;
let db: PonderDatabase;

beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "ponder-db-"));
    db = openDatabase(path.join(dir, "ponder.db"));
});
afterEach(() => {
    db.close();
    rmSync(dir, {recursive: true, force: true});
});

function message(fields: Partial<Message> & Pick<Message, "id" | "chatId" | "role">): Message {
    return {
        parentId: null, text: "", reasoning: "", status: "done", createdAt: 1,
        thinkingStartedAt: null, thinkingEndedAt: null, stats: null, error: null, ...fields
    };
}

describe("openDatabase", () => {
    test("uses WAL and migrates to the newest schema", () => {
        expect(db.pragma("journal_mode", {simple: true})).toBe("wal");
        expect(db.pragma("user_version", {simple: true})).toBe(migrations.length);
    });

    test("refuses a database from a newer Ponder instead of damaging it", () => {
        db.pragma(`user_version = ${migrations.length + 1}`);
        db.close();
        expect(() => openDatabase(path.join(dir, "ponder.db"))).toThrow(/newer Ponder/);
        db = openDatabase(path.join(dir, "other.db"));
    });
});

describe("ChatRepository", () => {
    test("stores chats and the active branch with reasoning and stats", () => {
        const repository = new ChatRepository(db);
        repository.insertChat({id: "c1", title: "Hi", createdAt: 1, updatedAt: 1});
        repository.insertMessage(message({id: "u1", chatId: "c1", role: "user", text: "Hi", createdAt: 1}));
        const reply = message({id: "a1", chatId: "c1", parentId: "u1", role: "assistant", status: "streaming", createdAt: 2});
        repository.insertMessage(reply);
        repository.saveMessage({
            ...reply, reasoning: "思考 first", text: "Hello", status: "done", thinkingStartedAt: 5, thinkingEndedAt: 9,
            stats: {modelId: "m", timeToFirstTokenMs: 10, tokensPerSecond: 20, thinkingMs: 4, thoughtTokens: 3, answerTokens: 1, stopReason: "finished"}
        });
        const branch = repository.activeBranch("c1");
        expect(branch.map((m) => m.id)).toEqual(["u1", "a1"]);
        expect(branch[1]).toMatchObject({reasoning: "思考 first", text: "Hello", status: "done", thinkingEndedAt: 9, stats: {stopReason: "finished"}});
        expect(repository.listChats()).toEqual([{id: "c1", title: "Hi", createdAt: 1, updatedAt: 1}]);
    });

    test("messages left streaming by a crash become interrupted, keeping their text", () => {
        const repository = new ChatRepository(db);
        repository.insertChat({id: "c1", title: "", createdAt: 1, updatedAt: 1});
        repository.insertMessage(message({id: "a1", chatId: "c1", role: "assistant", status: "streaming", reasoning: "half"}));
        expect(repository.markInterrupted()).toBe(1);
        expect(repository.getMessage("a1")).toMatchObject({status: "interrupted", reasoning: "half"});
    });

    test("chats are listed by last activity", () => {
        const repository = new ChatRepository(db);
        repository.insertChat({id: "old", title: "old", createdAt: 1, updatedAt: 1});
        repository.insertChat({id: "new", title: "new", createdAt: 2, updatedAt: 2});
        repository.touchChat("old", 3);
        expect(repository.listChats().map((chat) => chat.id)).toEqual(["old", "new"]);
    });
});
