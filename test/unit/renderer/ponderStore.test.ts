import {afterEach, describe, expect, test} from "vitest";
import type {Chat, ChatSummary, Message} from "../../../electron/contract.ts";
import type {WebSocketBridge} from "../../../renderer/src/bridge/WebSocketBridge.ts";
import {attachConnection} from "../../../renderer/src/store/attachConnection.ts";
import {chunkText} from "../../../renderer/src/store/ChunkedText.ts";
import type {ChunkedText} from "../../../renderer/src/store/ChunkedText.ts";
import {createPonderStore} from "../../../renderer/src/store/createPonderStore.ts";
import type {PonderStore} from "../../../renderer/src/store/createPonderStore.ts";
import {closeConnectedPairs, connectPair, until} from "./rpcPeer.ts";
import type {PeerHandlers, RpcPeer} from "./rpcPeer.ts";

function summary(id: string, updatedAt: number): ChatSummary {
    return {id, title: `Chat ${id}`, createdAt: 1, updatedAt, pinned: false, systemPrompt: "", sendReasoning: false};
}

function message(id: string, chatId: string, role: Message["role"], extra: Partial<Message> = {}): Message {
    return {
        id, chatId, role, parentId: null, text: role === "user" ? "Is 1001 prime?" : "", reasoning: "",
        status: role === "user" ? "done" : "streaming", createdAt: 100,
        reasoningStartedAt: null, reasoningEndedAt: null, stats: null, error: null, toolCalls: [],
        ...extra
    };
}

const c1: Chat = {summary: summary("c1", 10), messages: [message("u1", "c1", "user"), message("a1", "c1", "assistant")], alternatives: {}};
const c2: Chat = {summary: summary("c2", 20), messages: [message("u2", "c2", "user"), message("a2", "c2", "assistant", {status: "done", text: "Yes."})], alternatives: {}};
const chats: Record<string, Chat> = {c1, c2};

function joined(text: ChunkedText | undefined): string | undefined {
    return text == null ? undefined : text.chunks.join("") + text.tail;
}

afterEach(closeConnectedPairs);

/** A fresh store — in its initial state — whose requests go over a real socket to `handlers`. */
async function setup(handlers: PeerHandlers = {}): Promise<{peer: RpcPeer; bridge: WebSocketBridge; store: PonderStore}> {
    const {peer, bridge} = await connectPair({
        "chats.list": () => ({chats: [c2.summary, c1.summary], more: false}),
        "chats.get": ({chatId}) => {
            const chat = chats[chatId];
            if (chat == null)
                throw new Error(`No chat ${chatId}`);
            return chat;
        },
        "models.list": () => [],
        "models.getState": () => ({status: "ready", modelId: "qwq.gguf", backend: "cpu"}),
        ...handlers
    });
    return {peer, bridge, store: createPonderStore(bridge.api)};
}

describe("messages", () => {
    test("a delta appends to its streaming message only", async () => {
        const {store} = await setup();
        store.getState().ingestChat(c1);
        store.getState().ingestChat({...c2, messages: [message("a9", "c2", "assistant")]});
        const {messages, live: liveBefore} = store.getState();

        store.getState().applyDelta({chatId: "c1", messageId: "a1", reasoning: "7 × 11 × 13", text: "", reasoningStartedAt: 500, reasoningEndedAt: null});
        store.getState().applyDelta({chatId: "c1", messageId: "a1", reasoning: " = 1001.", text: "No", reasoningStartedAt: null, reasoningEndedAt: 900});
        store.getState().applyDelta({chatId: "c1", messageId: "a1", reasoning: "", text: ", it is 7 × 11 × 13.", reasoningStartedAt: null, reasoningEndedAt: null});

        const {live, messages: messagesAfter} = store.getState();
        expect(joined(live.a1?.reasoning)).toBe("7 × 11 × 13 = 1001.");
        expect(joined(live.a1?.text)).toBe("No, it is 7 × 11 × 13.");
        expect(live.a1).toMatchObject({reasoningStartedAt: 500, reasoningEndedAt: 900});
        // Nothing else was copied or replaced: other components' selections stay identical.
        expect(messagesAfter).toBe(messages);
        expect(live.a9).toBe(liveBefore.a9);
    });

    test("the final update replaces the live text, with the same chunks", async () => {
        const {store} = await setup();
        store.getState().ingestChat(c1);
        const reasoning = Array.from({length: 300}, (_, i) => `Line ${i} of careful thought.`).join("\n");
        for (let start = 0; start < reasoning.length; start += 37)
            store.getState().applyDelta({chatId: "c1", messageId: "a1", reasoning: reasoning.slice(start, start + 37), text: "", reasoningStartedAt: 1, reasoningEndedAt: null});
        const streamed = store.getState().live.a1?.reasoning;

        store.getState().applyMessage(message("a1", "c1", "assistant", {status: "done", reasoning, text: "No.", reasoningStartedAt: 1, reasoningEndedAt: 4000}));

        const state = store.getState();
        expect(state.live.a1).toBeUndefined();
        expect(state.messages.a1).toMatchObject({status: "done", text: "No."});
        expect(streamed?.chunks.length).toBeGreaterThan(1);
        expect(chunkText(state.messages.a1?.reasoning ?? "")).toEqual(streamed);
    });

    test("updates add messages to loaded chats; other chats are fetched when opened", async () => {
        const {store} = await setup();
        store.getState().ingestChat(c1);

        store.getState().applyMessage(message("u3", "c1", "user"));
        store.getState().applyMessage(message("a3", "c1", "assistant"));
        store.getState().applyMessage(message("a3", "c1", "assistant", {status: "stopped"}));
        store.getState().applyMessage(message("x1", "c7", "assistant"));

        const state = store.getState();
        expect(state.chatMessageIds.c1).toEqual(["u1", "a1", "u3", "a3"]);
        expect(state.chatMessageIds.c7).toBeUndefined();
        expect(state.messages.a3?.status).toBe("stopped");
        expect(state.live.a3).toBeUndefined();
    });
});

describe("chats", () => {
    test("switching chats fetches each once and keeps the others loaded", async () => {
        const {peer, store} = await setup();

        await store.getState().openChat("c1");
        await store.getState().openChat("c2");
        await store.getState().openChat("c1");

        const state = store.getState();
        expect(state.activeChatId).toBe("c1");
        expect(state.chatMessageIds).toEqual({c1: ["u1", "a1"], c2: ["u2", "a2"]});
        expect(state.live.a1).toBeDefined();
        expect(state.live.a2).toBeUndefined();
        expect(peer.calls.filter((call) => call.name === "chats.get")).toHaveLength(2);
    });

    test("sending from a new chat follows it to its id, keeping a delta that beat the reply", async () => {
        const {bridge, peer, store} = await setup({
            "chats.send": async ({chatId, text}) => {
                expect(chatId).toBeUndefined();
                await peer.emit("chats.delta", {chatId: "c3", messageId: "a4", reasoning: "Hmm", text: "", reasoningStartedAt: 5, reasoningEndedAt: null});
                return {
                    chatId: "c3",
                    userMessage: message("u4", "c3", "user", {text}),
                    assistantMessage: message("a4", "c3", "assistant")
                };
            }
        });
        attachConnection(store, bridge);
        await until(() => store.getState().chatList.length === 2);
        store.getState().startNewChat();

        expect((await store.getState().send("Is 1001 prime?")).ok).toBe(true);

        const state = store.getState();
        expect(state.activeChatId).toBe("c3");
        expect(state.chatMessageIds.c3).toEqual(["u4", "a4"]);
        expect(joined(state.live.a4?.reasoning)).toBe("Hmm");
    });

    test("resync opens the remembered chat, else the most recent; null stays on a new chat", async () => {
        const {store} = await setup();

        await store.getState().resync("c1");
        expect(store.getState()).toMatchObject({activeChatId: "c1", runtime: {status: "ready", backend: "cpu"}});
        expect(store.getState().chatList.map((chat) => chat.id)).toEqual(["c2", "c1"]);

        await store.getState().resync("deleted");
        expect(store.getState().activeChatId).toBe("c2");
        expect(Object.keys(store.getState().chatMessageIds)).toEqual(["c2"]);

        await store.getState().resync(null);
        expect(store.getState().activeChatId).toBeNull();
    });

    test("failed requests become notices with a user-facing message", async () => {
        const {bridge, store} = await setup({
            "chats.send": () => {
                throw new Error("Load a model first.");
            }
        });

        expect((await store.getState().send("Hello")).ok).toBe(false);
        expect(store.getState().notices.map((notice) => notice.message)).toEqual(["Load a model first."]);

        bridge.dispose();
        await store.getState().openChat("c1");
        expect(store.getState().notices.map((notice) => notice.message)).toEqual(["Load a model first.", "Not connected to Ponder. Reconnecting…"]);
        expect(store.getState().activeChatId).toBeNull();

        store.getState().dismissNotice(store.getState().notices[0]!.id);
        expect(store.getState().notices).toHaveLength(1);
    });
});

describe("attachConnection", () => {
    test("events flow into the store, and a reconnect reloads the state", async () => {
        const {peer, bridge, store} = await setup();
        attachConnection(store, bridge, "c1");
        await until(() => store.getState().chatMessageIds.c1 != null);
        expect(store.getState().connection).toBe("connected");

        await peer.emit("chats.delta", {chatId: "c1", messageId: "a1", reasoning: "", text: "No.", reasoningStartedAt: null, reasoningEndedAt: null});
        await peer.emit("models.stateChanged", {status: "loading", modelId: "qwq.gguf"});
        await until(() => store.getState().runtime.status === "loading");
        expect(joined(store.getState().live.a1?.text)).toBe("No.");

        peer.dropConnections();
        await until(() => store.getState().connection === "reconnecting");
        await until(() => store.getState().connection === "connected" && store.getState().runtime.status === "ready");
        await until(() => peer.calls.filter((call) => call.name === "chats.get").length === 2);
        expect(store.getState().activeChatId).toBe("c1");
        // The snapshot replaced the text seen before the drop.
        await until(() => joined(store.getState().live.a1?.text) === "");
    });
});
