import path from "node:path";
import type {LlamaRuntimeOptions, LoadModelOptions} from "../../native/index.ts";
import type {AppInfo, RequestHandlers} from "../contract.ts";
import {ChatRepository} from "./chats/ChatRepository.ts";
import {ChatService, type ChatServiceOptions} from "./chats/ChatService.ts";
import {ApiServerControl} from "./api/ApiServerControl.ts";
import {requireDesktop, type DesktopShell} from "./DesktopShell.ts";
import {FileKeySecretStore} from "./engines/FileKeySecretStore.ts";
import {HubDiscovery} from "./hub/HubDiscovery.ts";
import {AttachmentStore} from "./documents/AttachmentStore.ts";
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
import {LibraryService} from "./models/LibraryService.ts";
import {ModelHost} from "./models/ModelHost.ts";
import {ModelLibrary} from "./models/ModelLibrary.ts";
import {SettingsService} from "./settings/SettingsService.ts";
import {AppSettingsRepository} from "./store/AppSettingsRepository.ts";
import {openDatabase, type PonderDatabase} from "./store/openDatabase.ts";
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

/** The app setting that keeps the models folder the user chose. */
const modelsDirSetting = "modelsDir";

/**
 * Ponder's app services, independent of any transport: the desktop window (IPC), `serve`
 * (WebSocket) and tests all drive this same object through {@link PonderCore.handlers}.
 */
export class PonderCore {
    readonly events = new EventBus();
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
    readonly libraryService: LibraryService;
    readonly hub: HubDiscovery;
    readonly attachments: AttachmentStore;
    readonly handlers: RequestHandlers;
    readonly #db: PonderDatabase;

    private constructor(options: PonderCoreOptions) {
        this.#db = openDatabase(path.join(options.dataDir, "ponder.db"));
        const appSettings = new AppSettingsRepository(this.#db);
        const modelsDir = options.modelsDir ?? appSettings.get(modelsDirSetting) ?? path.join(options.dataDir, "models");
        this.logsDir = path.resolve(options.dataDir, "logs");
        this.logger = new Logger(options.logSink ?? new RotatingLogFile(this.logsDir), options.logLevel ?? logLevelFromEnvironment());
        const repository = new ChatRepository(this.#db);
        repository.markInterrupted();
        // Deleting a chat can be undone until the app closes.
        repository.purgeDeleted();
        this.library = new ModelLibrary(modelsDir, new ImportedModelRepository(this.#db), this.logger.scoped("library"));
        const secrets = options.secrets ?? new FileKeySecretStore(path.join(options.dataDir, "secrets.key"));
        this.engines = new RemoteEngines(this.#db, secrets, this.events);
        const hubToken = new HubTokenStore(appSettings, secrets);
        this.tools = new ToolServers(this.#db, secrets, this.events, {
            allowCommands: options.tools?.allowCommands ?? options.shell === "desktop",
            clientVersion: options.version,
            startTimeoutMs: options.tools?.startTimeoutMs
        });
        this.settings = new SettingsService(this.#db, this.library);
        this.models = new ModelHost(this.library, this.events, {
            runtime: options.runtime, load: options.load, remote: this.engines,
            loadOptions: (modelId) => this.settings.loadOptions(modelId),
            logger: this.logger.scoped("models")
        });
        this.api = new ApiServerControl(this.#db, this.events, this.models);
        this.attachments = new AttachmentStore(path.join(options.dataDir, "attachments"), async (text) => {
            // Without a model here to count them, about 3.5 characters a token (English; fewer for Chinese).
            const model = this.models.localModel;
            return model == null ? Math.ceil(text.length / 3.5) : await model.countTokens(text);
        });
        this.chats = new ChatService(repository, this.models, this.events, {
            attachmentText: (attachment) => this.attachments.promptText(attachment),
            replySettings: (modelId, chatId, turns) => this.settings.replySettings(modelId, chatId, turns),
            chatSettings: this.settings,
            logger: this.logger.scoped("chats"),
            tools: {servers: this.tools, enabledFor: (modelId, chatId) => this.settings.usesTools(modelId, chatId)},
            ...options.chats
        });
        const catalog = readCatalog();
        this.downloads = new DownloadManager(new DownloadRepository(this.#db), this.library.modelsDir, catalog, this.events, {
            ...options.downloads,
            hubUrl: options.hubUrl,
            hubToken: () => hubToken.token(),
            logger: this.logger.scoped("downloads"),
            onModelReady: () => void this.libraryService.announceList()
        });
        this.hub = new HubDiscovery(this.downloads.hub);
        const hubSettings = () => ({url: this.downloads.hub.url.href, hasToken: hubToken.token() != null, protection: secrets.protection});
        this.libraryService = new LibraryService(catalog, this.library, this.models, this.downloads, this.events, options.desktop);
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
            "app.getSystem": async () => {
                const runtime = await this.models.describeRuntime();
                return {
                    versions: {
                        app: options.version,
                        electron: options.shellVersions?.electron ?? null,
                        chromium: options.shellVersions?.chromium ?? null,
                        node: process.versions.node,
                        nodeLlamaCpp: runtime.nodeLlamaCppVersion,
                        llamaCpp: runtime.llamaCppRelease
                    },
                    machine: {
                        platform: process.platform,
                        arch: process.arch,
                        cpuModel: runtime.cpuModel,
                        mathCores: runtime.mathCores,
                        totalRamBytes: runtime.totalRamBytes,
                        backend: runtime.backend,
                        gpuNames: runtime.gpuNames,
                        vramBytes: runtime.vramBytes,
                        unifiedMemory: runtime.unifiedMemory
                    }
                };
            },
            "app.getLogs": async () => ({folder: this.logsDir, lines: this.logger.tail(logLinesInReport)}),
            "app.openLogsFolder": async () => requireDesktop(options.desktop).openFolder(this.logsDir),
            "models.list": () => this.library.list(),
            "models.load": ({modelId}) => this.models.load(modelId),
            "models.unload": () => this.models.unload(),
            "models.getState": async () => this.models.state,
            "models.delete": ({modelId}) => this.libraryService.delete(modelId),
            "models.import": ({path: fileOrFolder}) => this.libraryService.import(fileOrFolder),
            "models.importPicked": () => this.libraryService.importPicked(),
            "models.reveal": ({modelId}) => this.libraryService.reveal(modelId),
            "models.openFolder": () => this.libraryService.openFolder(),
            "models.changeFolder": async ({path: folder}) => {
                info.modelsDir = await this.libraryService.changeFolder(folder);
                appSettings.set(modelsDirSetting, info.modelsDir);
                return {...info};
            },
            "models.estimateFit": (args) => this.libraryService.estimateFit(args),
            "catalog.list": async () => [...this.libraryService.catalog],
            "catalog.recommend": () => this.libraryService.recommend(),
            "hub.search": (query) => this.hub.search(query),
            "hub.repository": ({repo}) => this.hub.repository(repo),
            "hub.getSettings": async () => hubSettings(),
            "hub.setToken": async ({token}) => {
                hubToken.set(token);
                return hubSettings();
            },
            "downloads.list": async () => this.downloads.list(),
            "downloads.add": ({address}) => this.downloads.add(address),
            "downloads.pause": ({downloadId}) => this.downloads.pause(downloadId),
            "downloads.resume": async ({downloadId}) => this.downloads.resume(downloadId),
            "downloads.cancel": ({downloadId}) => this.downloads.cancel(downloadId),
            "chats.list": async ({after, limit}) => this.chats.list(after, limit),
            "chats.get": async ({chatId}) => this.chats.get(chatId),
            "chats.create": async () => this.chats.create(),
            "chats.send": async ({chatId, text, attachments}) => this.chats.send(chatId, text, attachments?.map((attachment) => this.attachments.describe(attachment))),
            "attachments.begin": async ({name, sizeBytes}) => ({uploadId: await this.attachments.begin(name, sizeBytes)}),
            "attachments.write": ({uploadId, offset, data}) => this.attachments.write(uploadId, offset, Buffer.from(data, "base64")),
            "attachments.finish": ({uploadId}) => this.attachments.finish(uploadId),
            "chats.stop": ({chatId}) => this.chats.stop(chatId),
            "chats.answerToolCall": async ({chatId, callId, decision}) => this.chats.answerToolCall(chatId, callId, decision),
            "chats.update": async ({chatId, ...changes}) => this.chats.update(chatId, changes),
            "chats.delete": ({chatId}) => this.chats.delete(chatId),
            "chats.restore": async ({chatId}) => this.chats.restore(chatId),
            "chats.search": async ({query}) => this.chats.search(query),
            "chats.showMessage": async ({chatId, messageId}) => this.chats.showMessage(chatId, messageId),
            "chats.edit": async ({chatId, messageId, text}) => this.chats.edit(chatId, messageId, text),
            "chats.regenerate": async ({chatId, messageId}) => this.chats.regenerate(chatId, messageId),
            "chats.continue": async ({chatId, messageId}) => this.chats.continue(chatId, messageId),
            "chats.deleteMessage": async ({chatId, messageId}) => this.chats.deleteMessage(chatId, messageId),
            "chats.restoreMessage": async ({chatId, messageId}) => this.chats.restoreMessage(chatId, messageId),
            "chats.export": async ({chatId, format}) => this.chats.export(chatId, format),
            "chats.readExport": async ({exportId}) => this.chats.readExport(exportId),
            "chats.import": async ({archive}) => this.chats.import(archive),
            "settings.get": ({modelId, chatId}) => this.settings.get(modelId, chatId),
            "settings.update": (update) => this.settings.update(update),
            "engines.list": () => this.engines.list(),
            "engines.add": (engine) => this.engines.add(engine),
            "engines.remove": ({engineId}) => this.engines.remove(engineId),
            "api.getState": async () => this.api.state,
            "api.configure": (changes) => this.api.configure(changes),
            "api.rotateKey": () => this.api.rotateKey(),
            "tools.list": async () => this.tools.view(),
            "tools.addServer": (definition) => this.tools.add(definition),
            "tools.importServers": ({json}) => this.tools.import(json),
            "tools.updateServer": ({serverId, enabled}) => this.tools.setEnabled(serverId, enabled),
            "tools.restartServer": ({serverId}) => this.tools.restart(serverId),
            "tools.removeServer": ({serverId}) => this.tools.remove(serverId),
            "tools.updateTool": async ({serverId, tool, ...changes}) => this.tools.updateTool(serverId, tool, changes),
            "tools.configure": async (limits) => this.tools.configure(limits)
        };
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
        await this.models.dispose();
        this.#db.close();
        this.logger.info("Ponder stopped");
    }
}

/** Enough lines to see what led up to a problem, few enough to paste into an issue. */
const logLinesInReport = 100;

const logLevels: readonly LogLevel[] = ["debug", "info", "warn", "error"];

function logLevelFromEnvironment(): LogLevel {
    const level = process.env.PONDER_LOG_LEVEL;
    return logLevels.find((known) => known === level) ?? "info";
}
