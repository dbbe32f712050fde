import path from "node:path";
import type {LlamaRuntimeOptions, LoadModelOptions} from "../../native/index.ts";
import type {AppInfo, RequestHandlers} from "../contract.ts";
import {AppService} from "./app/AppService.ts";
import {ChatRepository} from "./chats/ChatRepository.ts";
import {ChatService, type ChatServiceOptions} from "./chats/ChatService.ts";
import {ApiServerControl} from "./api/ApiServerControl.ts";
import type {DesktopShell} from "./DesktopShell.ts";
import {FileKeySecretStore} from "./engines/FileKeySecretStore.ts";
import {HubDiscovery} from "./hub/HubDiscovery.ts";
import {AttachmentStore} from "./documents/AttachmentStore.ts";
import {DocumentIndex} from "./documents/DocumentIndex.ts";
import {DocumentRetrieval} from "./documents/DocumentRetrieval.ts";
import {EmbeddingHost} from "./documents/EmbeddingHost.ts";
import {HubTokenStore} from "./hub/HubTokenStore.ts";
import {RemoteEngines} from "./engines/RemoteEngines.ts";
import type {SecretStore} from "./engines/SecretStore.ts";
import {DownloadManager, type DownloadManagerOptions} from "./downloads/DownloadManager.ts";
import {DownloadRepository} from "./downloads/DownloadRepository.ts";
import {readCatalog} from "./downloads/readCatalog.ts";
import {EventBus} from "./events/EventBus.ts";
import {Logger, type LogLevel, type LogSink} from "./logging/Logger.ts";
import {RotatingLogFile} from "./logging/RotatingLogFile.ts";
import {ImportedModelRepository} from "./models/ImportedModelRepository.ts";
import {ModelsService} from "./models/ModelsService.ts";
import {ModelHost} from "./models/ModelHost.ts";
import {ModelLibrary} from "./models/ModelLibrary.ts";
import {StateCacheService} from "./models/StateCacheService.ts";
import {SettingsService} from "./settings/SettingsService.ts";
import {AppSettingsRepository} from "./store/AppSettingsRepository.ts";
import {openDatabase, type PonderDatabase} from "./store/openDatabase.ts";
import {composeHandlers} from "./rpc/composeHandlers.ts";
import {ToolServers} from "./tools/ToolServers.ts";

export interface PonderCoreOptions {
    dataDir: string;
    /** Overrides the folder the user chose in the app; defaults to `models/` in the data folder. */
    modelsDir?: string;
    shell: AppInfo["shell"];
    version: string;
    /** The desktop app's Electron and Chromium versions, for the About box. */
    shellVersions?: {electron: string, chromium: string};
    runtime?: LlamaRuntimeOptions;
    load?: LoadModelOptions;
    chats?: ChatServiceOptions;
    /** The Hugging Face hub (or a mirror) for `hf:` addresses and the catalog. Defaults to https://huggingface.co. */
    hubUrl?: string;
    /** Download tuning (free-space provider, retries); the hub comes from {@link hubUrl}. */
    downloads?: Omit<DownloadManagerOptions, "hubUrl" | "onModelReady">;
    /** Seals remote engines' API keys. Defaults to a key file in the data folder; the desktop app passes the OS keychain. */
    secrets?: SecretStore;
    /** Where log lines go; defaults to `logs/ponder.log` in the data folder, rotated. */
    logSink?: LogSink;
    /** Defaults to `PONDER_LOG_LEVEL`, else `info` (which never holds message text). */
    logLevel?: LogLevel;
    /** The desktop app's file manager and open dialog (with `shell: "desktop"`); without it, revealing and picking files are refused. */
    desktop?: DesktopShell;
    /**
     * MCP tool servers. Command (stdio) servers are allowed by default only in the desktop app:
     * in `serve`, adding one from a browser would run a command on the host.
     */
    tools?: {allowCommands?: boolean; startTimeoutMs?: number};
}

/**
 * Ponder's app services, independent of any transport: the desktop window (IPC), `serve`
 * (WebSocket) and tests all drive this same object through {@link PonderCore.handlers}.
 */
export class PonderCore {
    readonly events = new EventBus();
    readonly app: AppService;
    readonly logger: Logger;
    /** The folder `logs/ponder.log` is in, for "Open logs folder". */
    readonly logsDir: string;
    readonly library: ModelLibrary;
    readonly models: ModelHost;
    readonly engines: RemoteEngines;
    readonly api: ApiServerControl;
    readonly chats: ChatService;
    readonly settings: SettingsService;
    readonly downloads: DownloadManager;
    readonly tools: ToolServers;
    readonly modelsService: ModelsService;
    readonly hub: HubDiscovery;
    readonly attachments: AttachmentStore;
    readonly stateCache: StateCacheService;
    /** The embedding model: retrieval over long documents and `/v1/embeddings`. */
    readonly embeddings: EmbeddingHost;
    readonly #documentIndex: DocumentIndex;
    readonly handlers: RequestHandlers;
    readonly #db: PonderDatabase;

    private constructor(options: PonderCoreOptions) {
        this.#db = openDatabase(path.join(options.dataDir, "ponder.db"));
        const appSettings = new AppSettingsRepository(this.#db);
        const modelsDir = options.modelsDir ?? AppService.savedModelsDir(appSettings) ?? path.join(options.dataDir, "models");
        this.logsDir = path.resolve(options.dataDir, "logs");
        this.logger = new Logger(options.logSink ?? new RotatingLogFile(this.logsDir), options.logLevel ?? logLevelFromEnvironment());
        const repository = new ChatRepository(this.#db);
        repository.markInterrupted();
        // Deleting a chat can be undone until the app closes.
        repository.purgeDeleted();
        this.library = new ModelLibrary(modelsDir, new ImportedModelRepository(this.#db), this.logger.scoped("library"));
        const secrets = options.secrets ?? new FileKeySecretStore(path.join(options.dataDir, "secrets.key"));
        this.engines = new RemoteEngines(this.#db, secrets, this.events, this.logger.scoped("engines"));
        const hubToken = new HubTokenStore(appSettings, secrets);
        this.tools = new ToolServers(this.#db, secrets, this.events, {
            allowCommands: options.tools?.allowCommands ?? options.shell === "desktop",
            clientVersion: options.version,
            startTimeoutMs: options.tools?.startTimeoutMs,
            logger: this.logger.scoped("tools")
        });
        this.settings = new SettingsService(this.#db, this.library, {
            systemPromptOf: (chatId) => repository.getChat(chatId)?.systemPrompt ?? "",
            // Through the chats, so every window's list shows the preset's prompt.
            setSystemPrompt: (chatId, systemPrompt) => {
                this.chats.update(chatId, {systemPrompt});
            }
        });
        this.stateCache = new StateCacheService(path.join(options.dataDir, "state-cache"), appSettings, this.logger.scoped("state-cache"));
        // The states of chats deleted for good above go with them.
        void this.stateCache.store.keepOnly((chatId) => repository.hasChat(chatId));
        this.models = new ModelHost(this.library, this.events, {
            runtime: options.runtime, load: options.load, remote: this.engines, stateStore: this.stateCache.store,
            loadOptions: (modelId) => this.settings.loadOptions(modelId),
            logger: this.logger.scoped("models")
        });
        this.api = new ApiServerControl(this.#db, this.events, this.models, {available: () => this.embeddings.available(), active: () => this.embeddings.active()}, this.logger.scoped("api"));
        const countTokens = (text: string) => {
            // Without a model here to count them, about 3.5 characters a token (English; fewer for Chinese).
            const model = this.models.localModel;
            return model == null ? Math.ceil(text.length / 3.5) : model.countTokens(text);
        };
        // A whole document is counted off the event loop: it can be megabytes.
        this.attachments = new AttachmentStore(path.join(options.dataDir, "attachments"), async (text) => {
            const model = this.models.localModel;
            return model == null ? countTokens(text) : await model.countLongTextTokens(text);
        });
        const catalog = readCatalog();
        const embeddingEntry = catalog.find((entry) => entry.kind === "embedding");
        this.embeddings = new EmbeddingHost(this.library, (filePath) => this.models.loadEmbeddingModel(filePath), embeddingEntry?.name ?? "an embedding model");
        this.#documentIndex = new DocumentIndex(path.join(options.dataDir, "attachments"));
        this.chats = new ChatService(repository, this.models, this.events, {
            attachmentText: (attachment) => this.attachments.promptText(attachment),
            documents: {
                retrieval: new DocumentRetrieval(this.attachments, this.#documentIndex, this.embeddings, countTokens),
                contextSize: (active) => active.modelId === this.models.loaded?.modelId ? this.models.localModel?.contextSize : undefined
            },
            describeAttachment: (attachment) => this.attachments.describe(attachment),
            documentArchive: this.attachments,
            takeUpload: (uploadId) => this.attachments.take(uploadId),
            forgetChat: async (chatId) => {
                this.models.localModel?.forgetConversation(chatId);
                await this.stateCache.store.forget(chatId);
            },
            replySettings: (modelId, chatId, turns) => this.settings.replySettings(modelId, chatId, turns),
            chatSettings: this.settings,
            logger: this.logger.scoped("chats"),
            tools: {servers: this.tools, enabledFor: (modelId, chatId) => this.settings.usesTools(modelId, chatId)},
            ...options.chats
        });
        this.downloads = new DownloadManager(new DownloadRepository(this.#db), this.library.modelsDir, catalog, this.events, {
            ...options.downloads,
            hubUrl: options.hubUrl,
            hubToken: () => hubToken.token(),
            logger: this.logger.scoped("downloads"),
            onModelReady: () => void this.modelsService.announceList()
        });
        this.hub = new HubDiscovery(this.downloads.hub);
        this.modelsService = new ModelsService(catalog, this.library, this.models, this.downloads, this.events, options.desktop);
        this.app = new AppService(appSettings, this.library, this.models, this.logger, {
            version: options.version, shell: options.shell, dataDir: options.dataDir, shellVersions: options.shellVersions,
            logsDir: this.logsDir, desktop: options.desktop
        });
        this.handlers = composeHandlers({
            app: this.app.handlers(),
            models: this.modelsService.modelHandlers(this.app),
            catalog: this.modelsService.catalogHandlers(),
            hub: this.hub.handlers(hubToken),
            downloads: this.downloads.handlers(),
            chats: this.chats.handlers(),
            attachments: this.attachments.handlers(options.desktop),
            settings: this.settings.handlers(),
            engines: this.engines.handlers(),
            api: this.api.handlers(),
            stateCache: this.stateCache.handlers(),
            tools: this.tools.handlers()
        });
    }

    static async create(options: PonderCoreOptions): Promise<PonderCore> {
        const core = new PonderCore(options);
        core.logger.info("Ponder started", {version: options.version, shell: options.shell, platform: process.platform, arch: process.arch});
        await core.models.start();
        // Continues the downloads that were running when the app last stopped (or crashed).
        await core.downloads.start();
        core.tools.start();
        return core;
    }

    /** Loads a model file by path at startup (`serve --model`), listing it if it's outside the models folder. */
    async loadModelFile(filePath: string) {
        return this.models.load(this.library.addFile(filePath));
    }

    /** Saves streaming replies, stops tool servers, frees the model and closes the database. */
    async dispose(): Promise<void> {
        await this.chats.dispose();
        await this.tools.dispose();
        await this.api.dispose();
        await this.downloads.dispose();
        await this.embeddings.dispose();
        // Unloading saves the conversations the model holds, into the state cache.
        await this.models.dispose();
        await this.stateCache.store.settled();
        this.#documentIndex.close();
        this.#db.close();
        this.logger.info("Ponder stopped");
    }
}

const logLevels: readonly LogLevel[] = ["debug", "info", "warn", "error"];

function logLevelFromEnvironment(): LogLevel {
    const level = process.env.PONDER_LOG_LEVEL;
    return logLevels.find((known) => known === level) ?? "info";
}
