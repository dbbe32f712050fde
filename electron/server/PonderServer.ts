import {randomBytes, timingSafeEqual} from "node:crypto";
import {createReadStream} from "node:fs";
import {stat} from "node:fs/promises";
import http, {type IncomingMessage, type ServerResponse} from "node:http";
import type {AddressInfo} from "node:net";
import path from "node:path";
import {WebSocketServer, type WebSocket} from "ws";
import {attachRpcPeer, type RpcPeerSource} from "../core/rpc/attachRpcPeer.ts";
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
    readonly #http: http.Server;
    readonly #sockets: WebSocketServer;

    constructor(source: RpcPeerSource, options: PonderServerOptions) {
        this.#source = source;
        this.#options = options;
        this.token = options.token ?? randomBytes(24).toString("base64url");
        this.#http = http.createServer((request, response) => {
            if (options.api != null && OpenAiApi.handles(request))
                return void options.api.handle(request, response);
            this.#serveFile(request, response).catch(() => sendText(response, 500, "Internal error"));
        });
        this.#sockets = new WebSocketServer({noServer: true, maxPayload: 4 * 1024 * 1024});
        this.#http.on("upgrade", (request, socket, head) => {
            const {pathname} = new URL(request.url ?? "/", "http://localhost");
            if (pathname !== "/rpc" || !this.#isAuthorized(request) || !isSameOrigin(request)) {
                socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n");
                return;
            }
            this.#sockets.handleUpgrade(request, socket, head, (ws) => this.#attach(ws));
        });
    }

    async listen(): Promise<string> {
        const host = this.#options.host ?? "127.0.0.1";
        await new Promise<void>((resolve, reject) => {
            this.#http.once("error", reject);
            this.#http.listen(this.#options.port ?? 0, host, resolve);
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

    #attach(ws: WebSocket) {
        const detach = attachRpcPeer(this.#source, {
            post: (data) => {
                if (ws.readyState === ws.OPEN)
                    ws.send(data);
            },
            on: (receive) => ws.on("message", (data) => receive(data.toString())),
            serialize: (value) => JSON.stringify(value, errorsAsObjects),
            deserialize: (text) => JSON.parse(text as string)
        });
        ws.on("close", detach);
    }

    #isAuthorized(request: IncomingMessage): boolean {
        const url = new URL(request.url ?? "/", "http://localhost");
        const offered = url.searchParams.get("token") ?? readCookie(request, tokenCookie);
        return offered != null && sameSecret(offered, this.token);
    }

    async #serveFile(request: IncomingMessage, response: ServerResponse) {
        if (request.method !== "GET" && request.method !== "HEAD")
            return sendText(response, 405, "Method not allowed");
        if (!this.#isAuthorized(request))
            return sendText(response, 401, "Ponder is running here. Open the address it printed, with its token.");
        const url = new URL(request.url ?? "/", "http://localhost");
        if (url.searchParams.has("token"))
            response.setHeader("Set-Cookie", `${tokenCookie}=${this.token}; HttpOnly; SameSite=Strict; Path=/`);
        const root = path.resolve(this.#options.rendererDir);
        const filePath = path.resolve(root, "." + decodeURIComponent(url.pathname === "/" ? "/index.html" : url.pathname));
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
        createReadStream(filePath).pipe(response);
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

/** Browsers send Origin on WebSocket upgrades: another site's page must not reach our socket. */
function isSameOrigin(request: IncomingMessage) {
    const origin = request.headers.origin;
    return origin == null || origin === `http://${request.headers.host}`;
}

function formatHost(host: string) {
    return host.includes(":") ? `[${host}]` : host;
}

/** birpc sends a thrown Error as its value; JSON would turn it into `{}`, losing the message the UI shows. */
function errorsAsObjects(_key: string, value: unknown) {
    return value instanceof Error ? {name: value.name, message: value.message} : value;
}
