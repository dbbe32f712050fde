import {copyFileSync, mkdirSync, mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import {createBirpc} from "birpc";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import WebSocket from "ws";
import type {ChatDelta, MainFunctions, Message, RendererFunctions} from "../../electron/contract.ts";
import {eventNames} from "../../electron/contract/values.ts";
import {ensureFixtureModels} from "../fixtures/models/fixtureModels.ts";
import {startServe, type RunningServe} from "./support/startServe.ts";

let dir: string;
let modelsDir: string;
let dataDir: string;
const running: RunningServe[] = [];
const sockets: WebSocket[] = [];

beforeAll(async () => {
    const fixtures = await ensureFixtureModels();
    dir = mkdtempSync(path.join(tmpdir(), "ponder-crash-"));
    modelsDir = path.join(dir, "models");
    dataDir = path.join(dir, "data");
    mkdirSync(modelsDir);
    copyFileSync(fixtures.endless, path.join(modelsDir, "endless.gguf"));
});
afterAll(async () => {
    for (const socket of sockets)
        socket.close();
    for (const serve of running)
        await serve.kill();
    rmSync(dir, {recursive: true, force: true});
});

interface Received {
    at: number;
    /** The reasoning delivered so far, after this delta. */
    reasoning: string;
}

/** A client of the real `serve` over its WebSocket, as the renderer is. */
async function connect(serve: RunningServe) {
    const url = new URL(serve.url);
    const socket = new WebSocket(`ws://${url.host}/rpc?token=${url.searchParams.get("token")}`);
    sockets.push(socket);
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const received: Received[] = [];
    const updates: Message[] = [];
    const on: Partial<RendererFunctions> = {
        "chats.delta": (delta: ChatDelta) => void received.push({at: performance.now(), reasoning: (received.at(-1)?.reasoning ?? "") + delta.reasoning}),
        "chats.messageUpdated": (message: Message) => void updates.push(message)
    };
    const functions = Object.fromEntries(eventNames.map((name) => [name, on[name] ?? (() => undefined)])) as RendererFunctions;
    const rpc = createBirpc<MainFunctions, RendererFunctions>(functions, {
        post: (data) => socket.send(data),
        on: (receive) => void socket.on("message", (data) => receive(data.toString())),
        serialize: JSON.stringify,
        deserialize: (text) => JSON.parse(text as string),
        timeout: -1
    });
    return {rpc, received, updates};
}

async function until(condition: () => boolean, timeoutMs = 30_000) {
    const deadline = performance.now() + timeoutMs;
    while (!condition()) {
        if (performance.now() > deadline)
            throw new Error("Timed out waiting");
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
}

async function start() {
    const serve = await startServe({dataDir, modelsDir, model: "endless.gguf"});
    running.push(serve);
    return serve;
}

async function kill(serve: RunningServe) {
    await serve.kill();
    running.splice(running.indexOf(serve), 1);
}

describe("kill -9 in the middle of a generation", () => {
    // Kill points: just after the first save, mid-stream, and well into a long stream.
    test.each([600, 1300, 2600])("killed %i ms into the stream: at most the last second is lost, the database is intact", async (streamMs) => {
        const serve = await start();
        const client = await connect(serve);
        const sent = await client.rpc.$call("chats.send", {text: `Think for ${streamMs} ms`});
        await until(() => client.received.length > 0);
        const firstAt = client.received[0]!.at;
        await until(() => performance.now() - firstAt >= streamMs);
        const killedAt = performance.now();
        const delivered = client.received.at(-1)!.reasoning;
        await kill(serve);

        const db = new Database(path.join(dataDir, "ponder.db"));
        expect(db.pragma("integrity_check", {simple: true})).toBe("ok");
        db.close();

        const restarted = await start();
        const after = await connect(restarted);
        const chat = await after.rpc.$call("chats.get", {chatId: sent.chatId});
        const stored = chat.messages.at(-1)!;
        expect(stored).toMatchObject({id: sent.assistantMessage.id, status: "interrupted"});
        // Both are prefixes of the one stream the model wrote.
        expect(delivered.startsWith(stored.reasoning) || stored.reasoning.startsWith(delivered)).toBe(true);
        const deliveredASecondBefore = client.received.filter((delta) => delta.at <= killedAt - 1000).at(-1)?.reasoning ?? "";
        expect(stored.reasoning.length).toBeGreaterThanOrEqual(deliveredASecondBefore.length);
        expect(stored.reasoning.length).toBeGreaterThan(0);
        await kill(restarted);
    });

    test("an interrupted answer can be continued, or regenerated as a new version", async () => {
        const serve = await start();
        const client = await connect(serve);
        const sent = await client.rpc.$call("chats.send", {text: "Think, then be killed"});
        await until(() => client.received.length > 20);
        await kill(serve);

        const restarted = await start();
        const after = await connect(restarted);
        const interrupted = (await after.rpc.$call("chats.get", {chatId: sent.chatId})).messages.at(-1)!;
        expect(interrupted.status).toBe("interrupted");

        const resumed = await after.rpc.$call("chats.continue", {chatId: sent.chatId, messageId: interrupted.id});
        expect(resumed).toMatchObject({id: interrupted.id, status: "streaming"});
        await until(() => after.received.length > 5);
        await after.rpc.$call("chats.stop", {chatId: sent.chatId});
        await until(() => after.updates.some((message) => message.id === interrupted.id && message.status === "stopped"));
        const continued = (await after.rpc.$call("chats.get", {chatId: sent.chatId})).messages.at(-1)!;
        expect(continued.reasoning.startsWith(interrupted.reasoning)).toBe(true);
        expect(continued.reasoning.length).toBeGreaterThan(interrupted.reasoning.length);

        const regenerated = await after.rpc.$call("chats.regenerate", {chatId: sent.chatId, messageId: interrupted.id});
        const version = regenerated.messages.at(-1)!;
        expect(regenerated.alternatives[version.id]).toEqual([interrupted.id, version.id]);
        await after.rpc.$call("chats.stop", {chatId: sent.chatId});
        await kill(restarted);
    });
});
