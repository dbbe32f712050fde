import {EventEmitter} from "node:events";
import {createBirpc} from "birpc";
import {describe, expect, test} from "vitest";
import type {ChatSummary, MainFunctions, RendererFunctions, RequestHandlers} from "../../../electron/contract.ts";
import {requestNames} from "../../../electron/contract/values.ts";
import {EventBus} from "../../../electron/core/events/EventBus.ts";
import {Logger, MemoryLogSink} from "../../../electron/core/logging/Logger.ts";
import {attachRpcPeer, MalformedMessageError} from "../../../electron/core/rpc/attachRpcPeer.ts";

/** Two ends of an in-memory channel, each delivering asynchronously like a real transport. */
function channelPair() {
    const a = new EventEmitter();
    const b = new EventEmitter();
    const end = (inbox: EventEmitter, outbox: EventEmitter) => ({
        post: (data: unknown) => void setImmediate(() => outbox.emit("message", data)),
        on: (receive: (data: unknown) => void) => void inbox.on("message", receive)
    });
    return {main: end(a, b), renderer: end(b, a)};
}

/** Every request records its argument; only `chats.get` answers anything (these tests call only it). */
function handlersRecording(calls: unknown[]): RequestHandlers {
    const chat: ChatSummary = {id: "c1", title: "t", createdAt: 1, updatedAt: 1, pinned: false, systemPrompt: "", sendReasoning: false};
    return Object.fromEntries(requestNames.map((name) => [name, async (args?: unknown) => {
        calls.push(args);
        return name === "chats.get" ? {summary: chat, messages: [], alternatives: {}} : null;
    }])) as unknown as RequestHandlers;
}

describe("attachRpcPeer", () => {
    test("valid requests reach the core; invalid ones are refused before it", async () => {
        const calls: unknown[] = [];
        const events = new EventBus();
        const {main, renderer} = channelPair();
        const log = new MemoryLogSink();
        attachRpcPeer({handlers: handlersRecording(calls), events, logger: new Logger(log)}, main);
        const rpc = createBirpc<MainFunctions, RendererFunctions>({} as RendererFunctions, renderer);

        await expect(rpc.$call("chats.get", {chatId: "c1"})).resolves.toMatchObject({summary: {id: "c1"}});
        await expect(rpc.$call("chats.send", {text: "   "})).rejects.toThrow(/Invalid request chats.send: text/);
        await expect(rpc.$call("chats.get", {chatId: "c1", sql: "DROP TABLE"})).rejects.toThrow(/Invalid request chats.get/);
        await expect(rpc.$call("models.load", {modelId: 42})).rejects.toThrow(/modelId/);
        await expect(rpc.$call("chats.list", {limit: 10, unexpected: true})).rejects.toThrow(/Invalid request chats.list/);
        // The window names a model, never a path for the file manager to open.
        await expect(rpc.$call("models.reveal", {path: "/etc"})).rejects.toThrow(/Invalid request models.reveal/);
        expect(calls).toEqual([{chatId: "c1"}]);
        expect(log.lines.filter((line) => line.includes("WARN  [core] Refused a request request="))).toHaveLength(5);
    });

    test("a failed request is logged with its cause; the client gets the message", async () => {
        const log = new MemoryLogSink();
        const {main, renderer} = channelPair();
        const handlers = handlersRecording([]);
        handlers["chats.get"] = async () => {
            throw new Error("That conversation no longer exists.", {cause: new Error("row missing")});
        };
        attachRpcPeer({handlers, events: new EventBus(), logger: new Logger(log)}, main);
        const rpc = createBirpc<MainFunctions, RendererFunctions>({} as RendererFunctions, renderer);
        await expect(rpc.$call("chats.get", {chatId: "c1"})).rejects.toThrow("That conversation no longer exists.");
        const text = log.lines.join("\n");
        expect(text).toContain(`A request failed request="chats.get"`);
        expect(text).toContain("row missing");
    });

    test("events reach the renderer until the peer is detached", async () => {
        const events = new EventBus();
        const {main, renderer} = channelPair();
        const detach = attachRpcPeer({handlers: handlersRecording([]), events, logger: Logger.silent()}, main);
        const received: string[] = [];
        createBirpc<MainFunctions, RendererFunctions>({
            "chats.delta": (delta) => received.push(delta.text)
        } as Partial<RendererFunctions> as RendererFunctions, renderer);

        events.emit("chats.delta", {chatId: "c", messageId: "m", reasoning: "", text: "one", reasoningStartedAt: null, reasoningEndedAt: null});
        await new Promise((resolve) => setTimeout(resolve, 10));
        detach();
        events.emit("chats.delta", {chatId: "c", messageId: "m", reasoning: "", text: "two", reasoningStartedAt: null, reasoningEndedAt: null});
        await new Promise((resolve) => setTimeout(resolve, 10));
        expect(received).toEqual(["one"]);
    });

    test("only the contract's own names are callable: names every object has are not found", async () => {
        const calls: unknown[] = [];
        const {main, renderer} = channelPair();
        attachRpcPeer({handlers: handlersRecording(calls), events: new EventBus(), logger: Logger.silent()}, main);
        const rpc = createBirpc<Record<string, (args: unknown) => unknown>, RendererFunctions>({} as RendererFunctions, renderer);
        for (const name of ["valueOf", "constructor", "toString", "hasOwnProperty", "__proto__", "toJSON", "isPrototypeOf"])
            await expect(rpc.$call(name, {}), name).rejects.toThrow(`function "${name}" not found`);
        expect(calls).toEqual([]);
    });

    test("a message that isn't an RPC message is logged and reported, never thrown", async () => {
        const {main} = channelPair();
        const reported: Error[] = [];
        const log = new MemoryLogSink();
        let deliver: ((data: unknown) => void) | undefined;
        attachRpcPeer({handlers: handlersRecording([]), events: new EventBus(), logger: new Logger(log)}, {
            ...main,
            on: (receive) => void (deliver = receive),
            deserialize: (text) => JSON.parse(text as string)
        }, {onMalformedMessage: (error) => void reported.push(error)});
        for (const text of ["not json", "null", "42", "\"q\"", "[]", "{}", "{\"t\":\"q\",\"m\":1}", "{\"t\":\"q\",\"m\":\"chats.list\",\"a\":{}}", "{\"t\":\"s\"}"])
            await (deliver!(text) as unknown as Promise<void>);
        expect(reported).toHaveLength(9);
        expect(reported.every((error) => error instanceof MalformedMessageError)).toBe(true);
        expect(log.lines.filter((line) => line.includes("Dropped a malformed RPC message"))).toHaveLength(9);
    });
});
