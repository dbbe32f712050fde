import {mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {createBirpc} from "birpc";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import WebSocket from "ws";
import type {MainFunctions, RendererFunctions, RequestHandlers} from "../../../electron/contract.ts";
import {AttachmentStore} from "../../../electron/core/documents/AttachmentStore.ts";
import {EventBus} from "../../../electron/core/events/EventBus.ts";
import {Logger} from "../../../electron/core/logging/Logger.ts";
import {PonderServer} from "../../../electron/server/PonderServer.ts";

let dir: string;
let server: PonderServer;
let base: string;
let token: string;

const handlers = {
    "chats.list": async () => ({chats: [{id: "c1", title: "Hello", createdAt: 1, updatedAt: 1, pinned: false, systemPrompt: "", sendReasoning: false}], more: false}),
    "chats.get": async () => {
        throw new Error("That conversation no longer exists.");
    }
} as Partial<RequestHandlers> as RequestHandlers;

beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "ponder-server-"));
    mkdirSync(path.join(dir, "renderer", "assets"), {recursive: true});
    writeFileSync(path.join(dir, "renderer", "index.html"), "<!doctype html><title>Ponder</title>");
    writeFileSync(path.join(dir, "renderer", "assets", "app.js"), "console.log(1)");
    writeFileSync(path.join(dir, "secret.txt"), "outside");
    // As `serve` builds it: no desktop shell, so the attachments come only as uploads.
    const attachments = new AttachmentStore(path.join(dir, "attachments"), async (text) => text.length);
    Object.assign(handlers, {"attachments.pick": attachments.handlers().pick, "attachments.addPath": attachments.handlers().addPath});
    server = new PonderServer({handlers, events: new EventBus(), logger: Logger.silent()}, {rendererDir: path.join(dir, "renderer"), port: 0});
    const address = new URL(await server.listen());
    token = address.searchParams.get("token")!;
    base = `http://${address.host}`;
});
afterAll(async () => {
    await server.close();
    rmSync(dir, {recursive: true, force: true});
});

function connect(query: string, headers: Record<string, string> = {}) {
    return new WebSocket(`ws://${new URL(base).host}/rpc${query}`, {headers});
}

/** A client of the contract over an authorised socket, as the renderer's bridge is. */
async function connectRpc() {
    const socket = connect(`?token=${token}`);
    await new Promise((resolve) => socket.on("open", resolve));
    const rpc = createBirpc<MainFunctions, RendererFunctions>({} as RendererFunctions, {
        post: (data) => socket.send(data),
        on: (receive) => void socket.on("message", (data) => receive(data.toString())),
        serialize: JSON.stringify,
        deserialize: (text) => JSON.parse(text as string)
    });
    return {socket, rpc};
}

describe("PonderServer", () => {
    test("prints an address on 127.0.0.1 with a long random token", () => {
        expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(token.length).toBeGreaterThanOrEqual(32);
    });

    test("refuses the page without the token, and with a wrong one", async () => {
        expect((await fetch(`${base}/`)).status).toBe(401);
        expect((await fetch(`${base}/?token=${token.slice(1)}x`)).status).toBe(401);
    });

    test("serves the page with the token, sets a cookie, and a strict CSP", async () => {
        const response = await fetch(`${base}/?token=${token}`);
        expect(response.status).toBe(200);
        expect(await response.text()).toContain("<title>Ponder</title>");
        expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
        const cookie = response.headers.get("set-cookie")!;
        expect(cookie).toMatch(/HttpOnly/);
        const asset = await fetch(`${base}/assets/app.js`, {headers: {cookie: cookie.split(";")[0]!}});
        expect(asset.status).toBe(200);
        expect(asset.headers.get("content-type")).toMatch(/javascript/);
    });

    test("never serves files outside the renderer folder", async () => {
        for (const attempt of ["/../secret.txt", "/%2e%2e/secret.txt", "/assets/%2e%2e/%2e%2e/secret.txt"]) {
            const response = await fetch(`${base}${attempt}?token=${token}`);
            expect(await response.text()).not.toContain("outside");
        }
    });

    test("the socket refuses a missing token and a foreign origin", async () => {
        for (const socket of [connect(""), connect(`?token=${token}`, {origin: "http://evil.example"})]) {
            const outcome = await new Promise((resolve) => {
                socket.on("open", () => resolve("open"));
                socket.on("error", () => resolve("refused"));
            });
            expect(outcome).toBe("refused");
        }
    });

    test("serves the contract over the socket, errors keep their message", async () => {
        const {socket, rpc} = await connectRpc();
        expect(await rpc.$call("chats.list", {})).toEqual({chats: [{id: "c1", title: "Hello", createdAt: 1, updatedAt: 1, pinned: false, systemPrompt: "", sendReasoning: false}], more: false});
        await expect(rpc.$call("chats.get", {chatId: "nope"})).rejects.toMatchObject({message: "That conversation no longer exists."});
        socket.close();
    });

    test("a browser can't make the server read a file by path, or open its file dialog", async () => {
        const {socket, rpc} = await connectRpc();
        await expect(rpc.$call("attachments.addPath", {path: path.join(dir, "secret.txt")})).rejects.toMatchObject({code: "app.desktopOnly"});
        await expect(rpc.$call("attachments.pick")).rejects.toMatchObject({code: "app.desktopOnly"});
        await expect(rpc.$call("attachments.addPath", {path: "secret.txt"}), "a relative path is not even a valid request").rejects.toMatchObject({code: "request.invalid"});
        expect(readdirSync(path.join(dir, "attachments")), "nothing was read into the store").toEqual(["uploads"]);
        socket.close();
    });
});
