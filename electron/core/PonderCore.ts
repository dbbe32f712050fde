import path from "node:path";
import type {LlamaRuntimeOptions, LoadModelOptions} from "../../native/index.ts";
import type {AppInfo, RequestHandlers} from "../contract.ts";
import {ChatRepository} from "./chats/ChatRepository.ts";
import {ChatService, type ChatServiceOptions} from "./chats/ChatService.ts";
import {EventBus} from "./events/EventBus.ts";
import {ModelHost} from "./models/ModelHost.ts";
import {ModelLibrary} from "./models/ModelLibrary.ts";
import {openDatabase, type PonderDatabase} from "./store/openDatabase.ts";

export interface PonderCoreOptions {
    dataDir: string;
    /** Defaults to `models/` in the data folder. */
    modelsDir?: string;
    shell: AppInfo["shell"];
    version: string;
    runtime?: LlamaRuntimeOptions;
    load?: LoadModelOptions;
    chats?: ChatServiceOptions;
}

/**
 * Ponder's app services, independent of any transport: the desktop window (IPC), `serve`
 * (WebSocket) and tests all drive this same object through {@link PonderCore.handlers}.
 */
export class PonderCore {
    readonly events = new EventBus();
    readonly library: ModelLibrary;
    readonly models: ModelHost;
    readonly chats: ChatService;
    readonly handlers: RequestHandlers;
    readonly #db: PonderDatabase;

    private constructor(options: PonderCoreOptions) {
        const modelsDir = options.modelsDir ?? path.join(options.dataDir, "models");
        this.#db = openDatabase(path.join(options.dataDir, "ponder.db"));
        const repository = new ChatRepository(this.#db);
        repository.markInterrupted();
        this.library = new ModelLibrary(modelsDir);
        this.models = new ModelHost(this.library, this.events, {runtime: options.runtime, load: options.load});
        this.chats = new ChatService(repository, this.models, this.events, options.chats);
        const info: AppInfo = {
            version: options.version,
            shell: options.shell,
            platform: process.platform,
            arch: process.arch,
            modelsDir: this.library.modelsDir,
            dataDir: path.resolve(options.dataDir)
        };
        this.handlers = {
            "app.getInfo": async () => info,
            "models.list": () => this.library.list(),
            "models.load": ({modelId}) => this.models.load(modelId),
            "models.unload": () => this.models.unload(),
            "models.getState": async () => this.models.state,
            "chats.list": async () => this.chats.list(),
            "chats.get": async ({chatId}) => this.chats.get(chatId),
            "chats.create": async () => this.chats.create(),
            "chats.send": async ({chatId, text}) => this.chats.send(chatId, text),
            "chats.stop": ({chatId}) => this.chats.stop(chatId)
        };
    }

    static async create(options: PonderCoreOptions): Promise<PonderCore> {
        const core = new PonderCore(options);
        await core.models.start();
        return core;
    }

    /** Loads a model file by path at startup (`serve --model`), listing it if it's outside the models folder. */
    async loadModelFile(filePath: string) {
        return this.models.load(this.library.addFile(filePath));
    }

    /** Saves streaming replies, frees the model and closes the database. */
    async dispose(): Promise<void> {
        await this.chats.stopAll();
        await this.models.dispose();
        this.#db.close();
    }
}
