import {PonderError, type Failure} from "../../contract/errors.ts";
import {randomBytes} from "node:crypto";
import type {ApiServerState, DomainHandlers, RequestArgs} from "../../contract.ts";
import type {EmbeddingHost} from "../documents/EmbeddingHost.ts";
import type {ActiveModel} from "../replies/ReplyEngine.ts";
import type {EventBus} from "../events/EventBus.ts";
import {Logger} from "../logging/Logger.ts";
import type {PonderDatabase} from "../store/openDatabase.ts";

export interface ApiServerLaunchOptions {
    host: string;
    port: number;
    /** Read on every request, so a rotated key applies at once. */
    apiKey: () => string;
    models: {readonly loaded: ActiveModel | undefined};
    /** The embedding model for `/v1/embeddings`. */
    embeddings?: Pick<EmbeddingHost, "available" | "active">;
    /** Where the server logs failed replies and unexpected errors; none without it. */
    logger?: Logger;
}

/** Starts the standalone API server (electron/server/openai); resolves once it listens. */
export type ApiServerLauncher = (options: ApiServerLaunchOptions) => Promise<{close(): Promise<void>}>;

interface SettingsRow {
    enabled: number;
    allow_network: number;
    port: number;
    api_key: string;
}

const defaultPort = 8758;

/**
 * The OpenAI-compatible API's switch and settings. In the desktop app a setting starts and
 * stops a server of its own (off by default, 127.0.0.1 unless the user opts in); in `serve` the
 * API is always part of the page's server and only reported here.
 */
export class ApiServerControl {
    readonly #db: PonderDatabase;
    readonly #events: EventBus;
    readonly #models: ApiServerLaunchOptions["models"];
    #launcher: ApiServerLauncher | undefined;
    #running: {close(): Promise<void>} | undefined;
    #serve: {url: string; apiKey: string} | undefined;
    #error: Failure | null = null;
    /** Starts and stops run one after another. */
    #queue: Promise<unknown> = Promise.resolve();

    readonly #embeddings: ApiServerLaunchOptions["embeddings"];
    readonly #logger: Logger;

    constructor(db: PonderDatabase, events: EventBus, models: ApiServerLaunchOptions["models"], embeddings?: ApiServerLaunchOptions["embeddings"], logger = Logger.silent()) {
        this.#embeddings = embeddings;
        this.#logger = logger;
        this.#db = db;
        this.#events = events;
        this.#models = models;
        db.prepare("INSERT OR IGNORE INTO api_server (id, enabled, allow_network, port, api_key) VALUES (1, 0, 0, ?, ?)").run(defaultPort, newKey());
    }

    get state(): ApiServerState {
        if (this.#serve != null) {
            const {port} = new URL(this.#serve.url);
            return {mode: "serve", enabled: true, allowNetwork: false, port: Number(port), url: this.#serve.url, apiKey: this.#serve.apiKey, error: null};
        }
        const row = this.#row();
        const host = row.allow_network ? "0.0.0.0" : "127.0.0.1";
        return {
            mode: "desktop",
            enabled: row.enabled === 1,
            allowNetwork: row.allow_network === 1,
            port: row.port,
            // The address to use from this machine; from elsewhere, the machine's own address.
            url: this.#running == null ? null : `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${row.port}/v1`,
            apiKey: row.api_key,
            error: this.#error
        };
    }

    /** `serve`: the API is served with the page, on its port, with this key. */
    useServe(options: {url: string; apiKey: string}): void {
        this.#serve = options;
        this.#emit();
    }

    /** The desktop app: the server this launcher starts runs whenever the setting is on. */
    useLauncher(launcher: ApiServerLauncher): Promise<ApiServerState> {
        this.#launcher = launcher;
        return this.#enqueue(() => this.#apply());
    }

    configure(changes: RequestArgs<"api.configure">): Promise<ApiServerState> {
        return this.#enqueue(async () => {
            this.#requireDesktop();
            const row = this.#row();
            this.#db.prepare("UPDATE api_server SET enabled = ?, allow_network = ?, port = ? WHERE id = 1").run(
                Number(changes.enabled ?? row.enabled === 1),
                Number(changes.allowNetwork ?? row.allow_network === 1),
                changes.port ?? row.port
            );
            // A new address takes a restart; a key change doesn't (the server reads it per request).
            await this.#stop();
            return this.#apply();
        });
    }

    /** A fresh key; clients with the old one are refused from the next request on. */
    rotateKey(): Promise<ApiServerState> {
        return this.#enqueue(async () => {
            this.#requireDesktop();
            this.#db.prepare("UPDATE api_server SET api_key = ? WHERE id = 1").run(newKey());
            this.#emit();
            return this.state;
        });
    }

    handlers(): DomainHandlers<"api"> {
        return {
            getState: async () => this.state,
            configure: (changes) => this.configure(changes),
            rotateKey: () => this.rotateKey()
        };
    }

    dispose(): Promise<unknown> {
        return this.#enqueue(() => this.#stop());
    }

    async #apply(): Promise<ApiServerState> {
        const row = this.#row();
        this.#error = null;
        if (row.enabled === 1 && this.#running == null && this.#launcher != null) {
            try {
                this.#running = await this.#launcher({
                    host: row.allow_network ? "0.0.0.0" : "127.0.0.1",
                    port: row.port,
                    apiKey: () => this.#row().api_key,
                    models: this.#models,
                    embeddings: this.#embeddings,
                    logger: this.#logger
                });
            } catch (error) {
                const code = (error as NodeJS.ErrnoException).code;
                this.#error = code === "EADDRINUSE"
                    ? {code: "api.portInUse", params: {port: String(row.port)}}
                    : {code: "api.couldNotStart", params: {reason: (error as Error).message}};
                this.#logger.warn("The API server could not start", {port: row.port, cause: error});
            }
        }
        this.#emit();
        return this.state;
    }

    async #stop() {
        const running = this.#running;
        this.#running = undefined;
        await running?.close();
    }

    #requireDesktop() {
        if (this.#serve != null)
            throw new PonderError("api.serveFixed");
        if (this.#launcher == null)
            throw new PonderError("api.unavailable");
    }

    #row(): SettingsRow {
        return this.#db.prepare("SELECT enabled, allow_network, port, api_key FROM api_server WHERE id = 1").get() as SettingsRow;
    }

    #emit() {
        this.#events.emit("api.stateChanged", this.state);
    }

    #enqueue<T>(work: () => Promise<T>): Promise<T> {
        const result = this.#queue.then(work);
        this.#queue = result.catch(() => undefined);
        return result;
    }
}

function newKey(): string {
    return "pk-" + randomBytes(24).toString("base64url");
}
