import {mkdtempSync, rmSync} from "node:fs";
import http from "node:http";
import type {AddressInfo} from "node:net";
import {tmpdir} from "node:os";
import path from "node:path";
import {afterEach, beforeEach, expect, test} from "vitest";
import type {ChatSummary, Message} from "../../../electron/contract.ts";
import {ChatReplies} from "../../../electron/core/chats/ChatReplies.ts";
import {ChatRepository} from "../../../electron/core/chats/ChatRepository.ts";
import {RemoteEngine} from "../../../electron/core/engines/RemoteEngine.ts";
import {EventBus} from "../../../electron/core/events/EventBus.ts";
import {openDatabase, type PonderDatabase} from "../../../electron/core/store/openDatabase.ts";

let dir: string;
let db: PonderDatabase;
let server: http.Server;
let replies: ChatReplies;
const events = new EventBus();

// An OpenAI-compatible server on 127.0.0.1 that reasons in a stream it never ends on its own.
beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "ponder-replies-"));
    db = openDatabase(path.join(dir, "ponder.db"));
    server = http.createServer((request, response) => {
        response.writeHead(200, {"Content-Type": "text/event-stream"});
        const timer = setInterval(() => response.write(`data: ${JSON.stringify({choices: [{delta: {reasoning_content: "hmm "}}]})}\n\n`), 5);
        response.on("close", () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const engine = new RemoteEngine({baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`}).model("thinker");
    replies = new ChatReplies(new ChatRepository(db), {loaded: {modelId: "remote:thinker", model: engine}}, events, {saveIntervalMs: 10});
});
afterEach(async () => {
    await replies.stopAll();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    db.close();
    rmSync(dir, {recursive: true, force: true});
});

test("when saving the ended reply fails, the chat still stops answering and the renderer hears why", async () => {
    const repository = new ChatRepository(db);
    const chat: ChatSummary = {id: "c1", title: "t", createdAt: 1, updatedAt: 1, pinned: false, systemPrompt: "", sendReasoning: false};
    repository.insertChat(chat);
    const question: Message = {id: "q", chatId: "c1", parentId: null, role: "user", text: "Think", reasoning: "", status: "done", createdAt: 1, reasoningStartedAt: null, reasoningEndedAt: null, stats: null, error: null, toolCalls: []};
    const answer: Message = {...question, id: "a", parentId: "q", role: "assistant", text: "", status: "streaming", createdAt: 2};
    repository.insertMessage(question);
    repository.insertMessage(answer);
    const updates: Message[] = [];
    events.on((event, payload) => {
        if (event === "chats.messageUpdated")
            updates.push(payload as Message);
    });

    replies.start(replies.requireModel(), chat, answer, [question]);
    expect(() => replies.requireIdle("c1")).toThrow(/still answering/);
    expect(replies.describe(chat).reply).toEqual({state: "generating"});
    await expect.poll(() => replies.delivered("c1", "a")?.reasoning ?? "").toContain("hmm");

    db.pragma("query_only = ON");
    await replies.stop("c1");
    expect(() => replies.requireIdle("c1")).not.toThrow();
    expect(replies.describe(chat).reply).toBeUndefined();
    expect(updates.at(-1)).toMatchObject({id: "a", status: "error", error: expect.stringMatching(/readonly/)});
    expect(updates.at(-1)!.reasoning).toContain("hmm");
});
