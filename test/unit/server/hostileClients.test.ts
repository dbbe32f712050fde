import {mkdtempSync, mkdirSync, rmSync, writeFileSync} from "node:fs";
import http from "node:http";
import {tmpdir} from "node:os";
import path from "node:path";
import {createBirpc} from "birpc";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import WebSocket from "ws";
import type {MainFunctions, RendererFunctions, RequestHandlers} from "../../../electron/contract.ts";
import {EventBus} from "../../../electron/core/events/EventBus.ts";
import {Logger} from "../../../electron/core/logging/Logger.ts";
import {OpenAiApi, type ApiRequestLog} from "../../../electron/server/openai/OpenAiApi.ts";
import {startOpenAiServer} from "../../../electron/server/openai/startOpenAiServer.ts";
import {PonderServer} from "../../../electron/server/PonderServer.ts";
import {clientFrame, closeCodeOf, freePort, rawExchange, statusOf, textFrame, upgradeRequest} from "../../fuzz/support/rawClients.ts";

/*
 * Each case here once ended the whole process (issue 14) or is a weakness it listed. A crash in
 * this process shows as an unhandled error, which fails the run; each test also checks that an
 * ordinary client is still served afterwards.
 */

let dir: string;
let server: PonderServer;
let port: number;
let token: string;
const requestLog: ApiRequestLog[] = [];

const handlers = {
    "chats.list": async () => ({chats: [], more: false})
} as Partial<RequestHandlers> as RequestHandlers;

beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "ponder-hostile-"));
    mkdirSync(path.join(dir, "renderer"), {recursive: true});
    writeFileSync(path.join(dir, "renderer", "index.html"), "<!doctype html><title>Ponder</title>");
    const api = new OpenAiApi({models: {loaded: undefined}, apiKey: () => "key", onRequestLog: (entry) => void requestLog.push(entry)});
    server = new PonderServer({handlers, events: new EventBus(), logger: Logger.silent()}, {rendererDir: path.join(dir, "renderer"), port: 0, api});
    const address = new URL(await server.listen());
    token = address.searchParams.get("token")!;
    port = Number(address.port);
});
afterAll(async () => {
    await server.close();
    rmSync(dir, {recursive: true, force: true});
});

/** An ordinary client: the page loads and a contract call over the socket is answered. */
async function expectStillServing() {
    expect((await fetch(`http://127.0.0.1:${port}/?token=${token}`)).status).toBe(200);
    const socket = new WebSocket(`ws://127.0.0.1:${port}/rpc?token=${token}`);
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const rpc = createBirpc<MainFunctions, RendererFunctions>({} as RendererFunctions, {
        post: (data) => socket.send(data),
        on: (receive) => void socket.on("message", (data) => receive(data.toString())),
        serialize: JSON.stringify,
        deserialize: (text) => JSON.parse(text as string)
    });
    expect(await rpc.$call("chats.list", {})).toEqual({chats: [], more: false});
    socket.close();
}

/** Opens an authorized socket by hand, sends `frames`, and returns what came back until the server closed it. */
function sendOverSocket(frames: Buffer[], until: (received: Buffer) => boolean = (received) => closeCodeOf(received) != null) {
    return rawExchange(port, Buffer.concat([Buffer.from(upgradeRequest(`/rpc?token=${token}`)), ...frames]), {until});
}

const hasStatus = (received: Buffer) => statusOf(received) != null;

function get(pathname: string, headers: Record<string, string> = {}): Promise<{status: number; body: string}> {
    return new Promise((resolve, reject) => {
        http.get({host: "127.0.0.1", port, path: pathname, headers}, (response) => {
            let body = "";
            response.on("data", (chunk: Buffer) => void (body += chunk.toString()));
            response.on("end", () => resolve({status: response.statusCode!, body}));
        }).on("error", reject);
    });
}

describe("crashes that ended the process", () => {
    test("1. an upgrade refused with 401 whose client resets, on any path, ends only that connection", async () => {
        const attempts = [];
        for (const target of ["/rpc", "/v1/models", "/rpc?token=wrong"])
            for (const resetAfterMs of [0, 1, 5, 20])
                attempts.push(rawExchange(port, upgradeRequest(target), {resetAfterMs, waitMs: 500}));
        await Promise.all(attempts);
        // Without a reset the refusal is an HTTP error, and the connection ends.
        const refused = await rawExchange(port, upgradeRequest("/rpc"));
        expect(statusOf(refused.received)).toBe(401);
        expect(refused.ending).toBe("closed");
        await expectStillServing();
    });

    test("2. WebSocket protocol errors close that socket with the protocol's code", async () => {
        const oversized = clientFrame({opcode: 1, payload: Buffer.alloc(16), length: 5 * 1024 * 1024});
        const invalidUtf8 = clientFrame({opcode: 1, payload: Buffer.from([0xc3, 0x28, 0xff])});
        const reservedOpcode = clientFrame({opcode: 3, payload: Buffer.from("x")});
        expect(closeCodeOf((await sendOverSocket([oversized])).received)).toBe(1009);
        expect(closeCodeOf((await sendOverSocket([invalidUtf8])).received)).toBe(1007);
        expect(closeCodeOf((await sendOverSocket([reservedOpcode])).received)).toBe(1002);
        await expectStillServing();
    });

    test("3. a frame that isn't an RPC message closes that socket with 1008", async () => {
        for (const text of ["not json", "null", "42", "[]", "{\"t\":\"q\"}", "{\"t\":\"q\",\"m\":\"chats.list\",\"a\":\"x\"}"])
            expect(closeCodeOf((await sendOverSocket([textFrame(text)])).received), text).toBe(1008);
        await expectStillServing();
    });

    test("3. methods every object has are not callable, and leaving right after is harmless", async () => {
        for (const method of ["valueOf", "constructor", "toString", "hasOwnProperty", "__proto__", "toJSON", "then"]) {
            const call = textFrame(JSON.stringify({t: "q", m: method, i: "1", a: [{}]}));
            const {received} = await sendOverSocket([call], (answer) => answer.includes("not found"));
            expect(received.toString("latin1"), method).toContain(`function \\"${method}\\" not found`);
        }
        await expectStillServing();
    });
});

describe("weaknesses", () => {
    test("a Host other than ours is refused, page, socket and API alike (DNS rebinding)", async () => {
        expect((await get(`/?token=${token}`, {host: "attacker.example"})).status).toBe(403);
        expect((await get("/v1/models", {host: `attacker.example:${port}`, authorization: "Bearer key"})).status).toBe(403);
        const socket = await rawExchange(port, upgradeRequest(`/rpc?token=${token}`, {}).replace("Host: 127.0.0.1", "Host: attacker.example"));
        expect(statusOf(socket.received)).toBe(403);
        for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`])
            expect((await get(`/?token=${token}`, {host})).status, host).toBe(200);
    });

    test("the socket's Origin must be our own page, whatever Host says", async () => {
        const upgrade = (origin: string, host = "127.0.0.1") =>
            rawExchange(port, upgradeRequest(`/rpc?token=${token}`, {Origin: origin}).replace("Host: 127.0.0.1", `Host: ${host}`), {until: hasStatus});
        // Before, an Origin equal to `http://${Host}` passed, and a page sets both.
        expect(statusOf((await upgrade("http://attacker.example", "attacker.example")).received)).toBe(403);
        expect(statusOf((await upgrade(`http://127.0.0.1:${port + 1}`)).received)).toBe(403);
        expect(statusOf((await upgrade("null")).received)).toBe(403);
        expect(statusOf((await upgrade(`http://localhost:${port}`)).received)).toBe(101);
        expect(statusOf((await upgrade(`http://127.0.0.1:${port}`)).received)).toBe(101);
    });

    test("malformed percent-encoding is a 400, not a 500", async () => {
        expect((await get(`/%?token=${token}`)).status).toBe(400);
        expect((await get(`/assets/%E0%A4%A?token=${token}`)).status).toBe(400);
        const model = await get("/v1/models/%ZZ", {authorization: "Bearer key"});
        expect(model.status).toBe(400);
        expect(JSON.parse(model.body)).toMatchObject({error: {code: "invalid_model_name"}});
        // An absolute-form target with a broken authority can't be parsed at all.
        expect(statusOf((await rawExchange(port, "GET http://[/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {until: hasStatus})).received)).toBe(400);
    });

    test("the request log records a client that left mid-body as disconnected, not 200", async () => {
        requestLog.length = 0;
        const partial = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer key\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"model\":";
        await rawExchange(port, partial, {resetAfterMs: 50, waitMs: 500});
        await expect.poll(() => requestLog).toEqual([{method: "POST", path: "/v1/chat/completions", status: 499, outcome: "disconnected"}]);
        await expectStillServing();
    });
});

describe("limits on slow and numerous clients", () => {
    let limited: PonderServer;
    let limitedPort: number;
    let limitedToken: string;

    beforeAll(async () => {
        limited = new PonderServer({handlers, events: new EventBus(), logger: Logger.silent()}, {
            rendererDir: path.join(dir, "renderer"), port: 0, maxConnections: 3,
            timeouts: {headersMs: 300, requestMs: 600}
        });
        const address = new URL(await limited.listen());
        limitedPort = Number(address.port);
        limitedToken = address.searchParams.get("token")!;
    });
    afterAll(() => limited.close());

    test("a client that never finishes its headers, or sends nothing, is cut off with 408", async () => {
        const slow = await rawExchange(limitedPort, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", {waitMs: 10_000});
        expect(statusOf(slow.received)).toBe(408);
        expect(slow.ending).toBe("closed");
        const silent = await rawExchange(limitedPort, "", {waitMs: 10_000});
        expect(silent.ending).toBe("closed");
    });

    test("a body sent too slowly is cut off", async () => {
        const slowBody = await rawExchange(limitedPort, "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{", {waitMs: 10_000});
        expect(slowBody.ending).toBe("closed");
    });

    test("past the cap, a connection is told 503 and the others carry on", async () => {
        const open = await Promise.all([1, 2, 3].map(async () => {
            const socket = new WebSocket(`ws://127.0.0.1:${limitedPort}/rpc?token=${limitedToken}`);
            await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
            return socket;
        }));
        const refused = await rawExchange(limitedPort, `GET /?token=${limitedToken} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
        expect(statusOf(refused.received)).toBe(503);
        expect(refused.received.toString()).toContain("too many open connections");
        expect(open.every((socket) => socket.readyState === WebSocket.OPEN)).toBe(true);

        const closed = new Promise((resolve) => open[0]!.once("close", resolve));
        open[0]!.close();
        await closed;
        await expect.poll(async () => (await fetch(`http://127.0.0.1:${limitedPort}/?token=${limitedToken}`)).status).toBe(200);
        for (const socket of open)
            socket.close();
    });
});

describe("the desktop app's Local API server", () => {
    test("resets, foreign Hosts and broken addresses end only their own request", async () => {
        const apiPort = await freePort();
        const running = await startOpenAiServer({host: "127.0.0.1", port: apiPort, apiKey: () => "key", models: {loaded: undefined}});
        try {
            await Promise.all([0, 1, 5].map((resetAfterMs) => rawExchange(apiPort, upgradeRequest("/v1/models"), {resetAfterMs, waitMs: 300})));
            const until = hasStatus;
            expect(statusOf((await rawExchange(apiPort, "GET /v1/models HTTP/1.1\r\nHost: attacker.example\r\nAuthorization: Bearer key\r\n\r\n", {until})).received)).toBe(403);
            expect(statusOf((await rawExchange(apiPort, "GET /v1/models/%ZZ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer key\r\n\r\n", {until})).received)).toBe(400);
            expect(statusOf((await rawExchange(apiPort, "GET http://[/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", {until})).received)).toBe(400);
            const models = await fetch(`http://127.0.0.1:${apiPort}/v1/models`, {headers: {authorization: "Bearer key"}});
            expect(await models.json()).toEqual({object: "list", data: []});
        } finally {
            await running.close();
        }
    });
});
