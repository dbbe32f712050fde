import {mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";
import Database from "better-sqlite3";
import {afterEach, beforeEach, describe, expect, test} from "vitest";
import {requestSchemas, type ChatArchive, type ChatSummary, type Message, type MessageToolCall} from "../../../electron/contract.ts";
import {ChatRepository} from "../../../electron/core/chats/ChatRepository.ts";
import {ChatTransfer} from "../../../electron/core/chats/ChatTransfer.ts";
import {ModelLibrary} from "../../../electron/core/models/ModelLibrary.ts";
import {SettingsService} from "../../../electron/core/settings/SettingsService.ts";
import {migrations} from "../../../electron/core/store/migrations.ts";
import {migrate, openDatabase, type PonderDatabase} from "../../../electron/core/store/openDatabase.ts";
import {spacedCjk} from "../../../electron/core/store/spacedCjk.ts";

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
        reasoningStartedAt: null, reasoningEndedAt: null, stats: null, error: null, toolCalls: [], ...fields
    };
}

function chat(id: string, fields: Partial<ChatSummary> = {}): ChatSummary {
    return {id, title: id, createdAt: 1, updatedAt: 1, pinned: false, systemPrompt: "", sendReasoning: false, ...fields};
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

    test("a database of the first schema, with conversations in it, migrates up and its messages become searchable", () => {
        const old = new Database(path.join(dir, "first.db"));
        old.exec(migrations[0]!);
        old.pragma("user_version = 1");
        old.prepare("INSERT INTO chats (id, title, created_at, updated_at) VALUES ('c1', '量子', 1, 1)").run();
        old.prepare("INSERT INTO messages (id, chat_id, role, text, reasoning, status, created_at) VALUES ('m1', 'c1', 'user', '请解释量子力学', '', 'done', 1)").run();
        migrate(old);
        expect(old.pragma("user_version", {simple: true})).toBe(migrations.length);
        const repository = new ChatRepository(old);
        expect(repository.listChats()).toEqual([chat("c1", {title: "量子"})]);
        expect(repository.search("量子力学").map((hit) => hit.messageId)).toEqual(["m1"]);
        // The word index, made again with its prefix index, holds the messages from before.
        expect(repository.search("量子").map((hit) => hit.messageId)).toEqual(["m1"]);
        expect(old.pragma("integrity_check", {simple: true})).toBe("ok");
        old.close();
    });

    test("a database that named the reasoning thinking and thought opens with the same messages, stats, tool calls and settings", async () => {
        // Schema 14, the last before the rename, with rows as that Ponder wrote them.
        const old = new Database(path.join(dir, "thinking.db"));
        old.function("ponder_spaced_cjk", {deterministic: true}, (text: unknown) => typeof text === "string" ? spacedCjk(text) : text);
        for (const migration of migrations.slice(0, 14))
            old.exec(migration);
        old.pragma("user_version = 14");
        old.prepare("INSERT INTO chats (id, title, created_at, updated_at) VALUES ('c1', 'Weather', 1, 1), ('c2', 'Plain', 1, 1)").run();
        const call: Omit<MessageToolCall, "segment"> = {
            id: "t1", name: "forecast", serverName: "weather", arguments: "{\"city\": \"Paris\"}", status: "done", result: "Sunny, 21.5 °C",
            isError: false, truncatedFromChars: null, error: null, reasoningOffset: 12, textOffset: 0, durationMs: 40.25
        };
        old.prepare(`INSERT INTO messages (id, chat_id, parent_id, role, text, reasoning, status, created_at, thinking_started_at, thinking_ended_at, stats, tool_calls)
            VALUES ('u1', 'c1', NULL, 'user', 'Weather in Paris?', '', 'done', 1, NULL, NULL, NULL, NULL),
                   ('a1', 'c1', 'u1', 'assistant', 'Sunny.', 'Ask the tool.', 'done', 2, 2, 5, ?, ?)`).run(
            JSON.stringify({modelId: "m.gguf", timeToFirstTokenMs: 12, tokensPerSecond: 30.5, thinkingMs: 3, thoughtTokens: 7, answerTokens: 2, stopReason: "finished", toolMs: 40.25}),
            JSON.stringify([{...call, segment: "thought"}, {...call, id: "t2", reasoningOffset: 13, textOffset: 6, segment: "answer"}, {...call, id: "t3"}])
        );
        old.prepare("INSERT INTO model_settings (model_id, settings) VALUES ('m.gguf', ?)").run(JSON.stringify({temperature: 0.5, thinkingBudget: 512}));
        old.prepare("INSERT INTO chat_settings (chat_id, settings) VALUES ('c1', ?)").run(JSON.stringify({thinkingBudget: null, languageLock: "english"}));
        old.prepare("INSERT INTO user_presets (id, name, system_prompt, family, settings, created_at) VALUES ('p1', 'Short', '', 'qwen3', ?, 1)").run(JSON.stringify({thinkingBudget: 1024}));

        migrate(old);
        expect(old.pragma("user_version", {simple: true})).toBe(migrations.length);
        const repository = new ChatRepository(old);
        expect(repository.activeBranch("c1").messages).toEqual([
            message({id: "u1", chatId: "c1", role: "user", text: "Weather in Paris?", createdAt: 1}),
            message({
                id: "a1", chatId: "c1", parentId: "u1", role: "assistant", text: "Sunny.", reasoning: "Ask the tool.", createdAt: 2,
                reasoningStartedAt: 2, reasoningEndedAt: 5,
                stats: {modelId: "m.gguf", timeToFirstTokenMs: 12, tokensPerSecond: 30.5, reasoningMs: 3, reasoningTokens: 7, answerTokens: 2, stopReason: "finished", toolMs: 40.25},
                toolCalls: [{...call, segment: "reasoning"}, {...call, id: "t2", reasoningOffset: 13, textOffset: 6, segment: "answer"}, {...call, id: "t3"}]
            })
        ]);
        expect(repository.search("tool").map((hit) => hit.messageId)).toEqual(["a1"]);
        const settings = new SettingsService(old, new ModelLibrary(path.join(dir, "models")), systemPromptsOf(repository));
        expect(settings.chatOverrides("c1")).toEqual({reasoningBudget: null, languageLock: "english"});
        expect(settings.replySettings("m.gguf", "c2", [])).toMatchObject({reasoningBudget: 512, sampling: {temperature: 0.5}});
        expect(settings.presets().map((preset) => preset.values)).toEqual([{reasoningBudget: 1024}]);
        expect(JSON.stringify(old.prepare("SELECT * FROM messages").all())).not.toMatch(/thinking|thought/);
        expect(old.pragma("integrity_check", {simple: true})).toBe("ok");
        old.close();
    });
});

describe("ChatRepository", () => {
    test("stores chats and the active branch with reasoning and stats", () => {
        const repository = new ChatRepository(db);
        repository.insertChat(chat("c1", {title: "Hi"}));
        repository.insertMessage(message({id: "u1", chatId: "c1", role: "user", text: "Hi", createdAt: 1}));
        const reply = message({id: "a1", chatId: "c1", parentId: "u1", role: "assistant", status: "streaming", createdAt: 2});
        repository.insertMessage(reply);
        repository.saveMessage({
            ...reply, reasoning: "思考 first", text: "Hello", status: "done", reasoningStartedAt: 5, reasoningEndedAt: 9,
            stats: {modelId: "m", timeToFirstTokenMs: 10, tokensPerSecond: 20, reasoningMs: 4, reasoningTokens: 3, answerTokens: 1, stopReason: "finished"}
        });
        const branch = repository.activeBranch("c1");
        expect(branch.messages.map((m) => m.id)).toEqual(["u1", "a1"]);
        expect(branch.messages[1]).toMatchObject({reasoning: "思考 first", text: "Hello", status: "done", reasoningEndedAt: 9, stats: {stopReason: "finished"}});
        expect(branch.alternatives).toEqual({});
        expect(repository.listChats()).toEqual([chat("c1", {title: "Hi"})]);
    });

    test("messages left streaming by a crash become interrupted, keeping their text", () => {
        const repository = new ChatRepository(db);
        repository.insertChat(chat("c1"));
        repository.insertMessage(message({id: "a1", chatId: "c1", role: "assistant", status: "streaming", reasoning: "half"}));
        expect(repository.markInterrupted()).toBe(1);
        expect(repository.getMessage("a1")).toMatchObject({status: "interrupted", reasoning: "half"});
    });

    test("pinned chats come first, then by last activity; renames and settings are kept", () => {
        const repository = new ChatRepository(db);
        repository.insertChat(chat("old"));
        repository.insertChat(chat("new", {createdAt: 2, updatedAt: 2}));
        repository.insertChat(chat("pinned", {updatedAt: 0}));
        repository.touchChat("old", 3);
        repository.updateChat("pinned", {pinned: true, title: "Renamed", systemPrompt: "Be brief.", sendReasoning: true});
        expect(repository.listChats().map((summary) => summary.id)).toEqual(["pinned", "old", "new"]);
        expect(repository.getChat("pinned")).toMatchObject({title: "Renamed", pinned: true, systemPrompt: "Be brief.", sendReasoning: true});
    });

    test("the list comes in pages: each starts after the last chat of the one before, in the same order as the whole", () => {
        const repository = new ChatRepository(db);
        // Ties in last activity are broken by id, so no chat falls between two pages.
        for (let i = 0; i < 23; i++)
            repository.insertChat(chat(`c${String(i).padStart(2, "0")}`, {updatedAt: Math.floor(i / 3), pinned: i % 10 === 0}));
        const whole = repository.listChats();
        expect(whole.slice(0, 3).map((summary) => summary.id)).toEqual(["c20", "c10", "c00"]);
        expect(whole.slice(3, 6).map((summary) => summary.id)).toEqual(["c22", "c21", "c19"]);

        const paged: ChatSummary[] = [];
        for (let page = repository.listChats({limit: 5}); page.length > 0; page = repository.listChats({after: page.at(-1)!, limit: 5}))
            paged.push(...page);
        expect(paged).toEqual(whole);
        expect(paged).toHaveLength(23);

        // A page after a chat that has since moved still starts where that chat was.
        const first = repository.listChats({limit: 5});
        repository.touchChat(first[4]!.id, 100);
        expect(repository.listChats({after: first[4]!, limit: 2}).map((summary) => summary.id)).toEqual(whole.slice(5, 7).map((summary) => summary.id));
    });

    test("a page of the list is read from the index, not by sorting every chat", () => {
        // The repository's own columns: a covering index could hide a plan the real query doesn't get.
        const columns = "id, title, created_at, updated_at, pinned, system_prompt, send_reasoning";
        const plan = (sql: string) => JSON.stringify(db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all());
        const first = plan(`SELECT ${columns} FROM chats WHERE deleted_at IS NULL ORDER BY pinned DESC, updated_at DESC, id DESC LIMIT 50`);
        const after = plan(`SELECT ${columns} FROM chats WHERE deleted_at IS NULL AND (pinned, updated_at, id) < (0, 5, 'x') ORDER BY pinned DESC, updated_at DESC, id DESC LIMIT 50`);
        for (const detail of [first, after]) {
            expect(detail).toContain("chats_by_activity");
            expect(detail).not.toContain("TEMP B-TREE");
        }
    });

    test("a deleted chat is hidden until restored, and purged for good at the next start", () => {
        const repository = new ChatRepository(db);
        repository.insertChat(chat("c1"));
        repository.insertMessage(message({id: "u1", chatId: "c1", role: "user", text: "searchable words"}));
        repository.markDeleted("c1", 5);
        expect(repository.listChats()).toEqual([]);
        expect(repository.search("searchable")).toEqual([]);
        repository.restore("c1");
        expect(repository.listChats().map((summary) => summary.id)).toEqual(["c1"]);
        expect(repository.search("searchable")).toHaveLength(1);
        repository.markDeleted("c1", 6);
        expect(repository.purgeDeleted()).toBe(1);
        expect(repository.hasMessage("u1")).toBe(false);
        expect(db.prepare("SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'searchable'").get()).toEqual({n: 0});
    });

    test("branches: versions of a message are alternatives, the branch on screen follows the chosen leaf", () => {
        const repository = new ChatRepository(db);
        repository.insertChat(chat("c1"));
        repository.insertMessage(message({id: "u1", chatId: "c1", role: "user", text: "Q", createdAt: 1}));
        repository.insertMessage(message({id: "a1", chatId: "c1", parentId: "u1", role: "assistant", text: "A1", createdAt: 2}));
        repository.insertMessage(message({id: "a2", chatId: "c1", parentId: "u1", role: "assistant", text: "A2", createdAt: 3}));
        repository.insertMessage(message({id: "u2", chatId: "c1", parentId: "a1", role: "user", text: "more", createdAt: 4}));
        // Without a chosen leaf, the newest message ends the branch.
        expect(repository.activeBranch("c1").messages.map((m) => m.id)).toEqual(["u1", "a1", "u2"]);
        repository.setActiveLeaf("c1", "a2");
        expect(repository.activeBranch("c1")).toEqual({
            messages: [expect.objectContaining({id: "u1"}), expect.objectContaining({id: "a2"})],
            alternatives: {a2: ["a1", "a2"]}
        });
        expect(repository.newestLeafUnder("c1", "a1")).toBe("u2");
        repository.deleteMessage("a1");
        expect(repository.hasMessage("u2")).toBe(false);
    });
});

describe("search", () => {
    function seeded() {
        const repository = new ChatRepository(db);
        repository.insertChat(chat("en", {title: "Physics"}));
        repository.insertChat(chat("zh", {title: "物理"}));
        repository.insertMessage(message({id: "e1", chatId: "en", role: "user", text: "Explain quantum entanglement to me, please."}));
        repository.insertMessage(message({id: "e2", chatId: "en", role: "assistant", parentId: "e1", reasoning: "The user wants entanglement explained simply.", text: "Two particles share one state."}));
        repository.insertMessage(message({id: "z1", chatId: "zh", role: "user", text: "我们今天讨论量子力学的基本原理。"}));
        repository.insertMessage(message({id: "z2", chatId: "zh", role: "assistant", parentId: "z1", reasoning: "用户想了解量子纠缠。", text: "量子纠缠是两个粒子共享一个状态。"}));
        return repository;
    }

    test("finds English words in text and reasoning, newest first, with the match marked in the snippet", () => {
        const hits = seeded().search("entanglement");
        expect(hits.map((hit) => [hit.messageId, hit.field])).toEqual([["e2", "reasoning"], ["e1", "text"]]);
        expect(hits[1]!.snippet.filter((piece) => piece.match).map((piece) => piece.text.toLowerCase())).toEqual(["entanglement"]);
        expect(hits[1]!.chatTitle).toBe("Physics");
    });

    test("finds a Chinese word of three characters and one of two (the word index), with marks", () => {
        const repository = seeded();
        expect(repository.search("量子力").map((hit) => hit.messageId)).toEqual(["z1"]);
        const two = repository.search("纠缠");
        expect(two.map((hit) => [hit.messageId, hit.field])).toEqual([["z2", "text"]]);
        expect(two[0]!.snippet.filter((piece) => piece.match).map((piece) => piece.text)).toEqual(["纠缠"]);
        expect(repository.search("量子").map((hit) => hit.messageId)).toEqual(["z2", "z1"]);
        // At the very end of a text, where no trigram starts with it.
        repository.insertMessage(message({id: "z3", chatId: "zh", role: "user", parentId: "z2", text: "再解释麒麟"}));
        expect(repository.search("麒麟").map((hit) => hit.messageId)).toEqual(["z3"]);
        repository.deleteMessage("z3");
        expect(repository.search("麒麟")).toEqual([]);
    });

    test("a short Latin word is found by prefix", () => {
        const repository = seeded();
        expect(repository.search("Tw").map((hit) => hit.messageId)).toEqual(["e2"]);
        expect(repository.search("to me").map((hit) => hit.messageId)).toEqual(["e1"]);
    });

    test("several words must all occur; quotes and LIKE wildcards are taken literally", () => {
        const repository = seeded();
        expect(repository.search("particles state").map((hit) => hit.messageId)).toEqual(["e2"]);
        expect(repository.search("particles nowhere")).toEqual([]);
        expect(repository.search("\"quantum")).toEqual([]);
        expect(repository.search("%")).toEqual([]);
    });

    test("an edited message is found by its new text only", () => {
        const repository = seeded();
        repository.saveMessage({...repository.getMessage("e1")!, text: "Tell me about superconductors."});
        expect(repository.search("quantum")).toEqual([]);
        expect(repository.search("superconductors").map((hit) => hit.messageId)).toEqual(["e1"]);
    });
});

describe("export and import", () => {
    function seeded() {
        const repository = new ChatRepository(db);
        repository.insertChat(chat("c1", {title: "Why is the sky blue?", systemPrompt: "Be brief.", sendReasoning: true, pinned: true}));
        repository.insertMessage(message({id: "u1", chatId: "c1", role: "user", text: "Why is the sky blue?", createdAt: 1}));
        repository.insertMessage(message({
            id: "a1", chatId: "c1", parentId: "u1", role: "assistant", text: "Rayleigh scattering.", reasoning: "Short waves scatter more.",
            createdAt: 2, reasoningStartedAt: 2, reasoningEndedAt: 3,
            stats: {modelId: "m.gguf", timeToFirstTokenMs: 12, tokensPerSecond: 30.5, reasoningMs: 1, reasoningTokens: 5, answerTokens: 3, stopReason: "finished"}
        }));
        repository.insertMessage(message({id: "a2", chatId: "c1", parentId: "u1", role: "assistant", text: "Because of the air.", status: "stopped", createdAt: 3}));
        repository.setActiveLeaf("c1", "a1");
        return repository;
    }

    test("Markdown has the branch on screen with the reasoning in a collapsible block", () => {
        const transfer = new ChatTransfer(seeded());
        const file = transfer.export("c1", "markdown");
        expect(file).toMatchObject({fileName: "Why is the sky blue.md", mimeType: "text/markdown"});
        expect(readAll(transfer, file.exportId)).toBe([
            "# Why is the sky blue?", "", "**System prompt**", "", "Be brief.", "",
            "## You", "", "Why is the sky blue?", "",
            "## Assistant", "", "<details>", "<summary>Reasoning</summary>", "", "Short waves scatter more.", "", "</details>", "",
            "Rayleigh scattering.", ""
        ].join("\n"));
    });

    test("a JSON round trip through the import schema loses nothing; importing twice asks first, then adds a copy", () => {
        const repository = seeded();
        const transfer = new ChatTransfer(repository);
        const exported = readAll(transfer, transfer.export(undefined, "json").exportId);
        const archive = requestSchemas["chats.import"].parse({archive: JSON.parse(exported)}).archive;

        const other = new Database(path.join(dir, "other.db"));
        migrate(other);
        const otherRepository = new ChatRepository(other);
        const otherTransfer = new ChatTransfer(otherRepository);
        expect(otherTransfer.import(archive).imported.map((summary) => summary.id)).toEqual(["c1"]);
        expect(readAll(otherTransfer, otherTransfer.export(undefined, "json").exportId)).toBe(exported);

        expect(transfer.import(archive)).toEqual({imported: [], duplicates: [{id: "c1", title: archive.chats[0]!.summary.title}]});
        const copies = transfer.import(archive, "copy").imported;
        expect(copies[0]!.id).not.toBe("c1");
        const copy = repository.activeBranch(copies[0]!.id);
        expect(copy.messages.map((m) => m.text)).toEqual(["Why is the sky blue?", "Rayleigh scattering."]);
        expect(Object.values(copy.alternatives)[0]).toHaveLength(2);
        other.close();
    });

    test("a reply's failure keeps its code through the database and an archive; text stored before codes stays text", () => {
        const repository = new ChatRepository(db);
        repository.insertChat(chat("c1"));
        const failure = {code: "download.retriesExhausted", params: {count: 3, reason: {code: "download.connectionClosedEarly", params: {}}}} as const;
        repository.insertMessage(message({id: "a1", chatId: "c1", role: "assistant", status: "error", error: failure}));
        repository.insertMessage(message({id: "a2", chatId: "c1", parentId: "a1", role: "assistant", status: "error", error: "ECONNRESET"}));
        db.prepare("UPDATE messages SET error = ? WHERE id = 'a2'").run("{not json, an old message's own words}");
        expect(repository.getMessage("a1")?.error).toEqual(failure);
        expect(repository.getMessage("a2")?.error).toBe("{not json, an old message's own words}");

        const transfer = new ChatTransfer(repository);
        const archive = requestSchemas["chats.import"].parse({archive: JSON.parse(readAll(transfer, transfer.export("c1", "json").exportId))}).archive;
        expect(archive.chats[0]!.messages.map((each) => each.error)).toEqual([failure, "{not json, an old message's own words}"]);
        const forged = {...archive, chats: [{...archive.chats[0]!, messages: [{...archive.chats[0]!.messages[0]!, error: {code: "no.such.code", params: {}}}]}]};
        expect(requestSchemas["chats.import"].safeParse({archive: forged}).success).toBe(false);
    });

    test("an archive whose messages don't form a tree is refused with a clear message, adding nothing", () => {
        const repository = seeded();
        const transfer = new ChatTransfer(repository);
        const archive = JSON.parse(readAll(transfer, transfer.export("c1", "json").exportId));
        archive.chats[0].summary.id = "c2";
        archive.chats[0].messages.reverse();
        for (const each of archive.chats[0].messages)
            each.chatId = "c2";
        expect(() => new ChatTransfer(repository).import(archive)).toThrow(/not a valid Ponder export/);
        expect(repository.hasChat("c2")).toBe(false);
        expect(requestSchemas["chats.import"].safeParse({archive: {format: "something else"}}).success).toBe(false);
    });

    test("export all comes in pieces of whole chats, together the same JSON as the archive in one string", () => {
        const repository = seeded();
        for (const id of ["c2", "c3"]) {
            repository.insertChat(chat(id, {createdAt: id === "c2" ? 2 : 3}));
            repository.insertMessage(message({id: `${id}-u`, chatId: id, role: "user", text: `Question ${id}`}));
        }
        const transfer = new ChatTransfer(repository, undefined, {pieceChars: 1});
        const {exportId} = transfer.export(undefined, "json");
        const pieces = [];
        for (let piece = transfer.read(exportId); ; piece = transfer.read(exportId)) {
            pieces.push(piece);
            if (piece.done)
                break;
        }
        // The opening, one piece per chat, then the closing.
        expect(pieces.map((piece) => piece.done)).toEqual([false, false, false, false, true]);
        const text = pieces.map((piece) => piece.content).join("");
        const archive = JSON.parse(text) as ChatArchive;
        expect(archive.chats.map((each) => each.summary.id)).toEqual(["c1", "c2", "c3"]);
        expect(text).toBe(JSON.stringify(archive, null, 2));
        expect(() => transfer.read(exportId)).toThrow(/export has ended/);
    });

    test("an export nobody reads is dropped after a while; an empty database exports an empty archive", async () => {
        const transfer = new ChatTransfer(new ChatRepository(db), undefined, {idleMs: 10});
        const {exportId} = transfer.export(undefined, "json");
        expect(transfer.read(exportId)).toEqual({content: "{\n  \"format\": \"ponder.chats\",\n  \"version\": 2,\n  \"chats\": []\n}", done: true});
        const abandoned = transfer.export(undefined, "markdown").exportId;
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(() => transfer.read(abandoned)).toThrow(/export has ended/);
    });

    test("an archive of version 1, which named the reasoning thinking and thought, imports whole and exports again under version 2's names", () => {
        const repository = new ChatRepository(db);
        const settings = new SettingsService(db, new ModelLibrary(path.join(dir, "models")), systemPromptsOf(repository));
        const transfer = new ChatTransfer(repository, settings);
        const text = readFileSync(fileURLToPath(new URL("../../fixtures/archives/chatsVersion1.json", import.meta.url)), "utf8");
        const {archive} = requestSchemas["chats.import"].parse({archive: JSON.parse(text)});
        const chatId = "0f3c2a7e-1b4d-4c5e-8f6a-7b8c9d0e1f2a";
        expect(transfer.import(archive).imported.map((summary) => summary.id)).toEqual([chatId]);
        expect(repository.activeBranch(chatId).messages[1]).toMatchObject({
            reasoningStartedAt: 1733000001100, reasoningEndedAt: 1733000004100, stats: {reasoningMs: 3000, reasoningTokens: 95, answerTokens: 8},
            toolCalls: [{segment: "reasoning", reasoningOffset: 14, textOffset: 0}, {segment: "answer", textOffset: 6}]
        });
        expect(settings.chatOverrides(chatId)).toEqual({temperature: 0.3, reasoningBudget: 2048});

        const renamed = JSON.parse(text.replace("\"version\": 1", "\"version\": 2")
            .replaceAll("\"thinkingStartedAt\"", "\"reasoningStartedAt\"").replaceAll("\"thinkingEndedAt\"", "\"reasoningEndedAt\"")
            .replaceAll("\"thinkingMs\"", "\"reasoningMs\"").replaceAll("\"thoughtTokens\"", "\"reasoningTokens\"")
            .replaceAll("\"thinkingBudget\"", "\"reasoningBudget\"").replaceAll("\"segment\": \"thought\"", "\"segment\": \"reasoning\"")) as ChatArchive;
        // The question comes from before tools, when messages had no `toolCalls`; the database gives it none.
        renamed.chats[0]!.messages[0]!.toolCalls = [];
        expect(JSON.parse(readAll(transfer, transfer.export(chatId, "json").exportId))).toEqual(renamed);
    });

    test("a chat's own generation settings go out with it and come back in", () => {
        const repository = seeded();
        const settings = new SettingsService(db, new ModelLibrary(path.join(dir, "models")), systemPromptsOf(repository));
        settings.setChatOverrides("c1", {temperature: 0.3, reasoningBudget: 2048, languageLock: "english"});
        const transfer = new ChatTransfer(repository, settings);
        const archive = JSON.parse(readAll(transfer, transfer.export("c1", "json").exportId)) as ChatArchive;
        expect(archive.chats[0]!.settings).toEqual({temperature: 0.3, reasoningBudget: 2048, languageLock: "english"});

        const {imported: [copy]} = transfer.import(requestSchemas["chats.import"].parse({archive}).archive, "copy");
        expect(settings.chatOverrides(copy!.id)).toEqual({temperature: 0.3, reasoningBudget: 2048, languageLock: "english"});
        // A chat without settings of its own has none in the archive.
        repository.insertChat(chat("plain"));
        const plain = JSON.parse(readAll(transfer, transfer.export("plain", "json").exportId)) as ChatArchive;
        expect(plain.chats[0]).not.toHaveProperty("settings");
        expect(plain.chats[0]).not.toHaveProperty("family");
    });

    test("a chat's chosen family preset goes out with it and comes back in; an archive from before it imports without one", async () => {
        const repository = seeded();
        const settings = new SettingsService(db, new ModelLibrary(path.join(dir, "models")), systemPromptsOf(repository));
        await settings.update({modelId: "qwq-32b.gguf", chatId: "c1", values: {}, family: "deepseekR1Distill"});
        const transfer = new ChatTransfer(repository, settings);
        const archive = JSON.parse(readAll(transfer, transfer.export("c1", "json").exportId)) as ChatArchive;
        expect(archive.chats[0]!.family).toBe("deepseekR1Distill");

        const {imported: [copy]} = transfer.import(requestSchemas["chats.import"].parse({archive}).archive, "copy");
        expect(settings.chatFamily(copy!.id)).toBe("deepseekR1Distill");
        expect((await settings.get("qwq-32b.gguf", copy!.id)).family).toBe("deepseekR1Distill");

        const before = {...archive.chats[0]!};
        delete before.family;
        const {imported: [old]} = transfer.import(requestSchemas["chats.import"].parse({archive: {...archive, chats: [before]}}).archive, "copy");
        expect(settings.chatFamily(old!.id)).toBeNull();
        expect((await settings.get("qwq-32b.gguf", old!.id)).family).toBe("qwq");
    });
});

function systemPromptsOf(repository: ChatRepository) {
    return {
        systemPromptOf: (chatId: string) => repository.getChat(chatId)?.systemPrompt ?? "",
        setSystemPrompt: (chatId: string, systemPrompt: string) => void repository.updateChat(chatId, {systemPrompt})
    };
}

/** Every piece of an export, joined. */
function readAll(transfer: ChatTransfer, exportId: string): string {
    let text = "";
    for (let piece = transfer.read(exportId); ; piece = transfer.read(exportId)) {
        text += piece.content;
        if (piece.done)
            return text;
    }
}
