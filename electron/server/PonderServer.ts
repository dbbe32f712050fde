import {randomBytes, timingSafeEqual} from "node:crypto";
import {createReadStream} from "node:fs";
import {stat} from "node:fs/promises";
import type {IncomingMessage, Server, ServerResponse} from "node:http";
import type {AddressInfo} from "node:net";
import path from "node:path";
import {pipeline, type Duplex} from "node:stream";
import {WebSocketServer, type WebSocket} from "ws";
import {attachRpcPeer, type RpcPeerSource} from "../core/rpc/attachRpcPeer.ts";
import {decodePath, formatHost, GuardedHttpServer, parseTarget, type GuardOptions} from "./guardedHttpServer.ts";
import {refuseWithApiError} from "./openai/ApiError.ts";
import {OpenAiApi} from "./openai/OpenAiApi.ts";

export interface PonderServerOptions {
    /** The built renderer (`out/renderer`). */
    rendererDir: string;
    host?: string;
    /** 0 picks a free port. */
    port?: number;
    /** Defaults to a fresh random token. */
    token?: string;
    /** The OpenAI-compatible API, served under `/v1` on the same port. */
    api?: OpenAiApi;
    /** Host names to answer besides 127.0.0.1, localhost, [::1] and `host` (DNS-rebinding defence). */
    allowedHosts?: readonly string[];
    /** Connections past this many at once are refused with 503. */
    maxConnections?: number;
    timeouts?: GuardOptions["timeouts"];
}

const tokenCookie = "ponder_token";
const contentTypes: Record<string, string> = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".ico": "image/x-icon"
};
const securityHeaders = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin"
};

/**
 * Headless Ponder: serves the renderer's files and the contract over a WebSocket (`/rpc`),
 * both only to holders of the access token (in the address once, then an HttpOnly cookie).
 */
export class PonderServer {
    readonly token: string;
    readonly #source: RpcPeerSource;
    readonly #options: PonderServerOptions;
    readonly #guard: GuardedHttpServer;
    readonly #http: Server;
    readonly #sockets: WebSocketServer;

    constructor(source: RpcPeerSource, options: PonderServerOptions) {
        this.#source = source;
        this.#options = options;
        this.token = options.token ?? randomBytes(24).toString("base64url");
        this.#guard = new GuardedHttpServer(
            {host: options.host ?? "127.0.0.1", allowedHosts: options.allowedHosts, maxConnections: options.maxConnections, timeouts: options.timeouts},
            (request, response, url) => {
                if (options.api != null && OpenAiApi.handles(request))
                    return options.api.handle(request, response);
                return this.#serveFile(request, response, url);
            },
            (request, response, status, message) => {
                if (options.api != null && OpenAiApi.handles(request))
                    return refuseWithApiError(request, response, status, message);
                sendText(response, status, message);
            }
        );
        this.#http = this.#guard.server;
        this.#sockets = new WebSocketServer({noServer: true, maxPayload: 4 * 1024 * 1024});
        this.#http.on("upgrade", (request, socket, head) => this.#upgrade(request, socket, head));
    }

    async listen(): Promise<string> {
        const host = this.#options.host ?? "127.0.0.1";
        await new Promise<void>((resolve, reject) => {
            this.#http.once("error", reject);
            this.#http.listen(this.#options.port ?? 0, host, () => {
                this.#http.off("error", reject);
                resolve();
            });
        });
        return `http://${formatHost(host)}:${(this.#http.address() as AddressInfo).port}/?token=${this.token}`;
    }

    async close(): Promise<void> {
        for (const client of this.#sockets.clients)
            client.terminate();
        this.#sockets.close();
        this.#http.closeAllConnections();
        await new Promise<void>((resolve) => this.#http.close(() => resolve()));
    }

    #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
        // A client that resets mid-handshake (or while told 401) errors this socket; that ends it alone.
        socket.on("error", () => socket.destroy());
        if (this.#guard.isRefused(socket))
            return void socket.destroy();
        const url = parseTarget(request);
        // Browsers send Origin on WebSocket upgrades: another site's page must not reach our socket.
        const refusal = url?.pathname !== "/rpc" ? "404 Not Found"
            : !this.#guard.allowsHost(request) || (request.headers.origin != null && !this.#guard.allowsOrigin(request.headers.origin)) ? "403 Forbidden"
                : !this.#isAuthorized(request, url) ? "401 Unauthorized"
                    : undefined;
        if (refusal != null)
            return void socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        this.#sockets.handleUpgrade(request, socket, head, (ws) => this.#attach(ws));
    }

    #attach(ws: WebSocket) {
        // Protocol errors (an oversized frame, invalid UTF-8, a reserved opcode): ws has already
        // sent the matching close code and ends this connection; the error is the client's, not ours.
        ws.on("error", () => undefined);
        const detach = attachRpcPeer(this.#source, {
            post: (data) => {
                if (ws.readyState === ws.OPEN)
                    ws.send(data);
            },
            on: (receive) => ws.on("message", (data) => receive(data.toString())),
            serialize: (value) => JSON.stringify(value, errorsAsObjects),
            deserialize: (text) => JSON.parse(text as string)
        }, {onMalformedMessage: () => ws.close(1008, "Not an RPC message")});
        ws.on("close", detach);
    }

    #isAuthorized(request: IncomingMessage, url: URL): boolean {
        const offered = url.searchParams.get("token") ?? readCookie(request, tokenCookie);
        return offered != null && sameSecret(offered, this.token);
    }

    async #serveFile(request: IncomingMessage, response: ServerResponse, url: URL) {
        if (request.method !== "GET" && request.method !== "HEAD")
            return sendText(response, 405, "Method not allowed");
        if (!this.#isAuthorized(request, url))
            return sendText(response, 401, "Ponder is running here. Open the address it printed, with its token.");
        if (url.searchParams.has("token"))
            response.setHeader("Set-Cookie", `${tokenCookie}=${this.token}; HttpOnly; SameSite=Strict; Path=/`);
        const root = path.resolve(this.#options.rendererDir);
        const decoded = decodePath(url.pathname === "/" ? "/index.html" : url.pathname);
        if (decoded == null)
            return sendText(response, 400, "Malformed percent-encoding in the address.");
        const filePath = path.resolve(root, "." + decoded);
        if (!filePath.startsWith(root + path.sep))
            return sendText(response, 404, "Not found");
        const info = await stat(filePath).catch(() => undefined);
        if (info == null || !info.isFile())
            return sendText(response, 404, "Not found");
        response.writeHead(200, {
            ...securityHeaders,
            "Content-Type": contentTypes[path.extname(filePath)] ?? "application/octet-stream",
            "Content-Length": info.size,
            // Hashed asset names change with each build; the page itself must always be fresh.
            "Cache-Control": filePath.endsWith(".html") ? "no-store" : "max-age=31536000, immutable"
        });
        if (request.method === "HEAD")
            return void response.end();
        // The file may vanish mid-read (a rebuild): that ends this response, nothing more.
        pipeline(createReadStream(filePath), response, () => undefined);
    }
}

function sendText(response: ServerResponse, status: number, text: string) {
    response.writeHead(status, {...securityHeaders, "Content-Type": "text/plain; charset=utf-8"});
    response.end(text);
}

function sameSecret(offered: string, expected: string) {
    const a = Buffer.from(offered);
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b);
}

function readCookie(request: IncomingMessage, name: string): string | undefined {
    for (const part of (request.headers.cookie ?? "").split(";")) {
        const [key, ...value] = part.trim().split("=");
        if (key === name)
            return value.join("=");
    }
    return undefined;
}

/** birpc sends a thrown Error as its value; JSON would turn it into `{}`, losing the message the UI shows. */
function errorsAsObjects(_key: string, value: unknown) {
    return value instanceof Error ? {name: value.name, message: value.message} : value;
}
