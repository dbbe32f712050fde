import {createBirpc} from "birpc";
import type {BirpcReturn} from "birpc";
import type {
    EventName, MainFunctions, PonderApi, RendererFunctions, RequestName, Unsubscribe
} from "../../../electron/contract";
import {buildPonderApi, eventNames} from "../../../electron/contract/values";
import type {EventListener} from "../../../electron/contract/values";
import {DisconnectedError} from "./DisconnectedError";
import type {ConnectionStatus, PonderConnection} from "./PonderConnection";
import {describeError, isPonderErrorData} from "../../../electron/contract/errors";

/** The part of the WebSocket API the bridge uses; the browser's WebSocket and `ws`'s client both fit. */
export interface BridgeSocket {
    send(data: string): void;
    close(): void;
    addEventListener(type: "open" | "close", listener: () => void): void;
    addEventListener(type: "message", listener: (event: {data: unknown}) => void): void;
}

export interface WebSocketBridgeOptions {
    /** `ws(s)://host/rpc?token=…` */
    url: string;
    /** Opens a socket. Default: the browser's `WebSocket`. */
    createSocket?: (url: string) => BridgeSocket;
    /** Delay before the first reconnect attempt; doubles after each failure. Default: 250 ms. */
    minReconnectDelayMs?: number;
    /** Upper bound of the reconnect delay. Default: 8000 ms. */
    maxReconnectDelayMs?: number;
}

/**
 * `PonderApi` over birpc on a WebSocket (headless mode). Reconnects with exponential backoff when
 * the socket closes; requests made or pending while disconnected reject with `DisconnectedError`.
 * Event listeners survive reconnects: the `api` object is the same for the bridge's lifetime.
 */
export class WebSocketBridge implements PonderConnection {
    public readonly api: PonderApi;
    readonly #url: string;
    readonly #createSocket: (url: string) => BridgeSocket;
    readonly #minDelayMs: number;
    readonly #maxDelayMs: number;
    readonly #eventListeners = new Map<EventName, Set<(payload: never) => void>>();
    readonly #statusListeners = new Set<(status: ConnectionStatus) => void>();
    readonly #functions: RendererFunctions;
    #status: ConnectionStatus = "connecting";
    #socket: BridgeSocket | null = null;
    #rpc: BirpcReturn<MainFunctions, RendererFunctions> | null = null;
    #reconnectDelayMs: number;
    #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
    #disposed = false;

    public constructor({
        url,
        createSocket = (socketUrl) => new WebSocket(socketUrl),
        minReconnectDelayMs = 250,
        maxReconnectDelayMs = 8000
    }: WebSocketBridgeOptions) {
        this.#url = url;
        this.#createSocket = createSocket;
        this.#minDelayMs = minReconnectDelayMs;
        this.#maxDelayMs = maxReconnectDelayMs;
        this.#reconnectDelayMs = minReconnectDelayMs;
        this.#functions = Object.fromEntries(
            eventNames.map((event) => [event, (payload: never) => this.#emit(event, payload)])
        ) as RendererFunctions;
        this.api = buildPonderApi(
            (name, args) => this.#request(name, args),
            (event, listener) => this.#subscribe(event, listener)
        );
        this.#open();
    }

    public get status(): ConnectionStatus {
        return this.#status;
    }

    public onStatusChange(listener: (status: ConnectionStatus) => void): Unsubscribe {
        this.#statusListeners.add(listener);
        return () => void this.#statusListeners.delete(listener);
    }

    public dispose(): void {
        this.#disposed = true;
        clearTimeout(this.#reconnectTimer);
        this.#rpc?.$close(new DisconnectedError());
        this.#rpc = null;
        this.#socket?.close();
        this.#socket = null;
    }

    #open(): void {
        const socket = this.#createSocket(this.#url);
        this.#socket = socket;

        socket.addEventListener("open", () => {
            if (socket !== this.#socket)
                return;

            this.#rpc = createBirpc<MainFunctions, RendererFunctions>(this.#functions, {
                post: (data: string) => socket.send(data),
                on: (receive) => socket.addEventListener("message", (event) => receive(event.data)),
                serialize: JSON.stringify,
                deserialize: JSON.parse,
                // Loading a 20 GB model takes minutes; a dropped socket rejects pending calls instead.
                timeout: -1
            });
            this.#reconnectDelayMs = this.#minDelayMs;
            this.#setStatus("connected");
        });

        socket.addEventListener("close", () => {
            if (socket !== this.#socket)
                return;

            this.#rpc?.$close(new DisconnectedError());
            this.#rpc = null;
            this.#socket = null;
            if (this.#disposed)
                return;

            if (this.#status === "connected")
                this.#setStatus("reconnecting");

            this.#reconnectTimer = setTimeout(() => this.#open(), this.#reconnectDelayMs);
            this.#reconnectDelayMs = Math.min(this.#reconnectDelayMs * 2, this.#maxDelayMs);
        });
    }

    async #request(name: RequestName, args: unknown): Promise<unknown> {
        const rpc = this.#rpc;
        if (rpc == null)
            throw new DisconnectedError();

        try {
            // JSON turns `[undefined]` into `[null]`, which "takes no argument" requests reject.
            return await (args === undefined ? rpc.$call(name) : rpc.$call(name, args));
        } catch (error) {
            throw toError(error);
        }
    }

    #subscribe<E extends EventName>(event: E, listener: EventListener<E>): Unsubscribe {
        let listeners = this.#eventListeners.get(event);
        if (listeners == null) {
            listeners = new Set();
            this.#eventListeners.set(event, listeners);
        }
        listeners.add(listener);
        return () => void listeners.delete(listener);
    }

    #emit(event: EventName, payload: never): void {
        for (const listener of this.#eventListeners.get(event) ?? []) {
            try {
                listener(payload);
            } catch (error) {
                // One faulty listener must not starve the others; rethrow outside the loop so it is still reported.
                queueMicrotask(() => {
                    throw error;
                });
            }
        }
    }

    #setStatus(status: ConnectionStatus): void {
        this.#status = status;
        for (const listener of this.#statusListeners)
            listener(status);
    }
}

/** Errors thrown by the main side arrive as plain JSON objects; keep their code and params, or their user-facing message. */
function toError(error: unknown): Error {
    if (error instanceof Error)
        return error;

    if (isPonderErrorData(error))
        return Object.assign(new Error(describeError(error, "en")), {code: error.code, params: error.params});

    if (typeof error === "string")
        return new Error(error);

    if (typeof error === "object" && error != null && "message" in error && typeof error.message === "string")
        return new Error(error.message);

    return new Error("");
}
