import http, {type IncomingMessage, type ServerResponse} from "node:http";
import {isIP, type Socket} from "node:net";
import os from "node:os";
import type {Duplex} from "node:stream";

export interface GuardOptions {
    /** The address the server binds; its name is an accepted Host. */
    host: string;
    /** More Host names to accept, e.g. the name a reverse proxy forwards. */
    allowedHosts?: readonly string[];
    /** Connections past this many at once are refused with 503. Defaults to 128. */
    maxConnections?: number;
    /** How long a client may take to send its headers, and its whole request. Defaults to 15 s and 60 s. */
    timeouts?: {headersMs: number; requestMs: number};
}

/** How a server answers a request refused before its handler ran (its body shape differs: text or OpenAI JSON). */
export type Refuse = (request: IncomingMessage, response: ServerResponse, status: number, message: string) => void;

/** Called with the request target already parsed; a thrown error or rejection is answered with 500. */
export type GuardedHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => unknown;

const defaultMaxConnections = 128;
// A 4 MiB body at LAN speed fits in the request's time; a slow client is cut off, not waited on.
const defaultTimeouts = {headersMs: 15_000, requestMs: 60_000};
const loopbackNames = ["127.0.0.1", "localhost", "[::1]"];

/**
 * An HTTP server for Ponder's ports that no client can stop or exhaust: requests addressed to
 * another Host (DNS rebinding) are refused, an unparsable request target gets 400, a handler
 * that throws gets 500, slow clients time out, and connections past the cap get 503.
 */
export class GuardedHttpServer {
    readonly server: http.Server;
    readonly #allowedHostNames: ReadonlySet<string>;
    readonly #anyIpLiteral: boolean;
    /** Sockets over the cap: told 503 on arrival, whatever they send afterwards is ignored. */
    readonly #refused = new WeakSet<Duplex>();

    constructor(options: GuardOptions, handle: GuardedHandler, refuse: Refuse) {
        const bindsEverywhere = options.host === "0.0.0.0" || options.host === "::";
        const names = [...loopbackNames, formatHost(options.host), ...(options.allowedHosts ?? [])];
        // Bound to every interface, Ponder is reached by this machine's addresses and names.
        // An IP literal can't be rebound by DNS, so any is safe then; other names must be listed.
        if (bindsEverywhere)
            names.push(os.hostname(), `${os.hostname()}.local`);
        this.#allowedHostNames = new Set(names.map((name) => name.toLowerCase()));
        this.#anyIpLiteral = bindsEverywhere;

        const {headersMs, requestMs} = options.timeouts ?? defaultTimeouts;
        this.server = http.createServer({
            headersTimeout: headersMs,
            requestTimeout: requestMs,
            // Node checks the timeouts this often (30 s by default, longer than the timeouts themselves).
            connectionsCheckingInterval: Math.min(headersMs, requestMs) / 3
        }, (request, response) => {
            if (this.#refused.has(request.socket))
                return void request.socket.destroy();
            const url = parseTarget(request);
            if (url == null)
                return refuse(request, response, 400, "The request's address could not be read.");
            if (!this.allowsHost(request))
                return refuse(request, response, 403, misdirected(request));
            const answerFailure = () => {
                if (!response.headersSent)
                    refuse(request, response, 500, "Internal error");
                else
                    response.destroy();
            };
            try {
                Promise.resolve(handle(request, response, url)).catch(answerFailure);
            } catch {
                answerFailure();
            }
        });

        const maxConnections = options.maxConnections ?? defaultMaxConnections;
        const open = new Set<Socket>();
        this.server.on("connection", (socket: Socket) => {
            if (open.size >= maxConnections) {
                this.#refused.add(socket);
                // The client may reset at any moment; its error must not reach the process.
                socket.on("error", () => undefined);
                const body = "Ponder has too many open connections; try again shortly.";
                socket.end(`HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
                return;
            }
            open.add(socket);
            socket.once("close", () => open.delete(socket));
        });
    }

    /** Whether the request came over a socket already refused for the connection cap. */
    isRefused(socket: Duplex): boolean {
        return this.#refused.has(socket);
    }

    /** Whether the Host header names this server. A missing one (HTTP/1.0, not a browser) is accepted. */
    allowsHost(request: IncomingMessage): boolean {
        const host = request.headers.host;
        if (host == null)
            return true;
        // Only a name and port: `user@host` or a path would otherwise parse as another host.
        return /^[\w.-]+(:\d+)?$|^\[[\da-f:.]+\](:\d+)?$/i.test(host) && this.#allowsHostName(hostNameOf(`http://${host}`));
    }

    /** Whether a browser's Origin is a page served by this server itself: a Host name of ours, on our port. */
    allowsOrigin(origin: string): boolean {
        const url = tryUrl(origin);
        const port = (this.server.address() as {port: number} | null)?.port;
        return url != null && url.protocol === "http:" && Number(url.port || 80) === port && this.#allowsHostName(url.hostname);
    }

    #allowsHostName(hostName: string | undefined): boolean {
        if (hostName == null)
            return false;
        return this.#allowedHostNames.has(hostName) || (this.#anyIpLiteral && isIP(hostName.replace(/^\[|\]$/g, "")) !== 0);
    }
}

/** The request target, or undefined when it can't be read (an absolute-form URL with a broken authority). */
export function parseTarget(request: IncomingMessage): URL | undefined {
    return tryUrl(request.url ?? "/", "http://localhost");
}

/** A percent-decoded path, or undefined for malformed encoding (`/%`, `/%ZZ`) — a 400, not a crash. */
export function decodePath(pathname: string): string | undefined {
    try {
        return decodeURIComponent(pathname);
    } catch {
        return undefined;
    }
}

export function formatHost(host: string): string {
    return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

function misdirected(request: IncomingMessage) {
    return `Ponder does not answer requests addressed to "${request.headers.host}". Use the address it printed; behind a proxy, start serve with --allow-host NAME.`;
}

function hostNameOf(url: string): string | undefined {
    return tryUrl(url)?.hostname;
}

function tryUrl(url: string, base?: string): URL | undefined {
    try {
        return new URL(url, base);
    } catch {
        return undefined;
    }
}
