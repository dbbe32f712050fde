import {randomUUID} from "node:crypto";
import type {DomainHandlers, RemoteEngineInfo} from "../../contract.ts";
import type {EventBus} from "../events/EventBus.ts";
import {Logger} from "../logging/Logger.ts";
import type {PonderDatabase} from "../store/openDatabase.ts";
import {failureOf, PonderError} from "../../contract/errors.ts";
import {RemoteEngine, type RemoteModel} from "./RemoteEngine.ts";
import type {ReplyEngine} from "../replies/ReplyEngine.ts";
import type {SecretStore} from "./SecretStore.ts";

interface EngineRow {
    id: string;
    name: string;
    base_url: string;
    sealed_key: string | null;
}

/** A remote model's id in the model host: `remote:<engine id>/<the engine's model name>`. */
const remotePrefix = "remote:";

/**
 * The OpenAI-compatible engines the user added (for models too big for this machine): stored
 * in SQLite with their keys sealed by the {@link SecretStore}, listed with their models, and
 * opened as a {@link ReplyEngine} when one of their models is loaded.
 */
export class RemoteEngines {
    readonly #db: PonderDatabase;
    readonly #secrets: SecretStore;
    readonly #events: EventBus;
    readonly #logger: Logger;

    /** `logger`: an engine that can't list its models is logged there with the cause. */
    constructor(db: PonderDatabase, secrets: SecretStore, events: EventBus, logger = Logger.silent()) {
        this.#db = db;
        this.#secrets = secrets;
        this.#events = events;
        this.#logger = logger;
    }

    static isRemoteModel(modelId: string): boolean {
        return modelId.startsWith(remotePrefix);
    }

    /** Every engine with the models it lists now; an unreachable one is listed with its error. */
    handlers(): DomainHandlers<"engines"> {
        return {
            list: () => this.list(),
            add: (engine) => this.add(engine),
            remove: ({engineId}) => this.remove(engineId)
        };
    }

    list(): Promise<RemoteEngineInfo[]> {
        return Promise.all(this.#rows().map((row) => this.#describe(row)));
    }

    /** Checks the endpoint answers with a model list before storing it, so a typo shows at once. */
    async add({name, baseUrl, apiKey}: {name?: string; baseUrl: string; apiKey?: string}): Promise<RemoteEngineInfo> {
        let engine: RemoteEngine;
        try {
            engine = new RemoteEngine({baseUrl, apiKey});
        } catch (error) {
            throw error instanceof PonderError ? error : new PonderError("engine.notWebAddress", {address: baseUrl}, {cause: error});
        }
        const models = await engine.listModels();
        const {host} = new URL(engine.baseUrl);
        const serverName = serverNameOf(models);
        const row: EngineRow = {
            id: randomUUID(),
            name: name?.trim() || (serverName == null ? host : `${serverName} (${host})`),
            base_url: engine.baseUrl,
            sealed_key: apiKey ? this.#secrets.seal(apiKey) : null
        };
        this.#db.prepare("INSERT INTO remote_engines (id, name, base_url, sealed_key, created_at) VALUES (@id, @name, @base_url, @sealed_key, @created_at)")
            .run({...row, created_at: Date.now()});
        await this.#emitList();
        return this.#describe(row);
    }

    async remove(engineId: string): Promise<void> {
        this.#db.prepare("DELETE FROM remote_engines WHERE id = ?").run(engineId);
        await this.#emitList();
    }

    /** The reply engine of a remote model id, or undefined when its engine was removed. */
    open(modelId: string): {model: ReplyEngine; engineName: string; modelName: string} | undefined {
        if (!RemoteEngines.isRemoteModel(modelId))
            return undefined;
        const rest = modelId.slice(remotePrefix.length);
        const slash = rest.indexOf("/");
        const row = this.#rows().find((candidate) => candidate.id === rest.slice(0, slash));
        if (slash < 0 || row == null)
            return undefined;
        const modelName = rest.slice(slash + 1);
        return {model: this.#engine(row).model(modelName), engineName: row.name, modelName};
    }

    #rows(): EngineRow[] {
        return this.#db.prepare("SELECT id, name, base_url, sealed_key FROM remote_engines ORDER BY created_at").all() as EngineRow[];
    }

    #engine(row: EngineRow): RemoteEngine {
        return new RemoteEngine({baseUrl: row.base_url, apiKey: row.sealed_key == null ? undefined : this.#secrets.open(row.sealed_key)});
    }

    async #describe(row: EngineRow): Promise<RemoteEngineInfo> {
        const info: RemoteEngineInfo = {id: row.id, name: row.name, baseUrl: row.base_url, hasKey: row.sealed_key != null, models: []};
        try {
            info.models = (await this.#engine(row).listModels()).map((model) => ({id: `${remotePrefix}${row.id}/${model.id}`, name: model.name}));
        } catch (error) {
            this.#logger.warn("A remote engine's models could not be listed", {engineId: row.id, cause: error});
            info.error = failureOf(error);
        }
        return info;
    }

    async #emitList() {
        this.#events.emit("engines.listChanged", await this.list());
    }
}

/**
 * The server's own name, as its model list gives it (`owned_by`), for the servers that name
 * themselves there; undefined for the rest (an organization, "library", "user").
 */
function serverNameOf(models: readonly RemoteModel[]): string | undefined {
    const owners = new Set(models.map((model) => model.ownedBy?.toLowerCase()));
    const [owner] = owners;
    return owners.size === 1 && owner != null ? serverNames[owner] : undefined;
}

const serverNames: Record<string, string> = {
    llamacpp: "llama.cpp",
    vllm: "vLLM",
    sglang: "SGLang",
    ollama: "Ollama",
    ponder: "Ponder"
};
