import {afterEach, describe, expect, test} from "vitest";
import type {ChatDelta, ChatListChange, ChatPage, ChatSummary} from "../../../electron/contract.ts";
import {DisconnectedError} from "../../../renderer/src/bridge/DisconnectedError.ts";
import {closeConnectedPairs, connectPair, until} from "./rpcPeer.ts";

const chat: ChatSummary = {id: "c1", title: "Why is the sky blue?", createdAt: 1, updatedAt: 2, pinned: false, systemPrompt: "", sendReasoning: false};
const delta: ChatDelta = {chatId: "c1", messageId: "m2", reasoning: "Rayleigh", text: "", reasoningStartedAt: 10, reasoningEndedAt: null};

afterEach(closeConnectedPairs);



describe("WebSocketBridge", () => {
    test("requests reach the main side by their flat names, with one argument or none", async () => {
        const {peer, bridge} = await connectPair({
            "models.getState": () => ({status: "empty"}),
            "chats.get": ({chatId}) => ({summary: {...chat, id: chatId}, messages: [], alternatives: {}})
        });

        await expect(bridge.api.models.getState()).resolves.toEqual({status: "empty"});
        await expect(bridge.api.chats.get({chatId: "c9"})).resolves.toMatchObject({summary: {id: "c9"}});
        // No `[null]` for a request that takes nothing: the main side's schema would refuse it.
        expect(peer.calls).toEqual([{name: "models.getState", args: []}, {name: "chats.get", args: [{chatId: "c9"}]}]);
    });

    test("a request the main side rejects fails with its user-facing message", async () => {
        const {bridge} = await connectPair({
            "models.load": () => {
                throw new Error("Not a GGUF file: broken.gguf");
            }
        });

        const failure = bridge.api.models.load({modelId: "broken.gguf"});
        await expect(failure).rejects.toBeInstanceOf(Error);
        await expect(failure).rejects.toThrow("Not a GGUF file: broken.gguf");
    });

    test("events arrive as onX listeners until unsubscribed", async () => {
        const {peer, bridge} = await connectPair({});
        const received: ChatDelta[] = [];
        const lists: ChatListChange[] = [];
        const unsubscribe = bridge.api.chats.onDelta((payload) => received.push(payload));
        bridge.api.chats.onListChanged((payload) => lists.push(payload));

        await peer.emit("chats.delta", delta);
        await peer.emit("chats.listChanged", {kind: "upsert", chat});
        await until(() => received.length === 1 && lists.length === 1);

        unsubscribe();
        await peer.emit("chats.delta", {...delta, reasoning: " scattering"});
        await peer.emit("chats.listChanged", {kind: "remove", chatId: chat.id});
        await until(() => lists.length === 2);
        expect(received).toEqual([delta]);
    });

    test("a dropped socket rejects pending and new requests, reconnects, and keeps listeners", async () => {
        let answerLater: (value: ChatPage) => void = () => {};
        const {peer, bridge} = await connectPair({
            "chats.list": () => new Promise<ChatPage>((resolve) => answerLater = resolve),
            "models.getState": () => ({status: "empty"})
        });
        const statuses: string[] = [];
        bridge.onStatusChange((status) => statuses.push(status));
        const received: ChatDelta[] = [];
        bridge.api.chats.onDelta((payload) => received.push(payload));

        const pending = bridge.api.chats.list({});
        await until(() => peer.calls.length === 1);
        peer.dropConnections();
        await expect(pending).rejects.toBeInstanceOf(DisconnectedError);
        expect(statuses[0]).toBe("reconnecting");

        await until(() => bridge.status === "connected");
        expect(statuses).toEqual(["reconnecting", "connected"]);
        await expect(bridge.api.models.getState()).resolves.toEqual({status: "empty"});
        await peer.emit("chats.delta", delta);
        await until(() => received.length === 1);
        answerLater({chats: [], more: false});
    });

    test("requests while disconnected fail at once; dispose stops reconnecting", async () => {
        const {peer, bridge} = await connectPair({"chats.list": () => ({chats: [], more: false})});
        bridge.dispose();
        await until(() => peer.connectionCount() === 0);

        await expect(bridge.api.chats.list({})).rejects.toBeInstanceOf(DisconnectedError);
        await new Promise((resolve) => setTimeout(resolve, 150));
        expect(peer.connectionCount()).toBe(0);
    });
});
