import path from "node:path";
import type {AppInfo, DomainHandlers, SystemInfo} from "../../contract.ts";
import {requireDesktop, type DesktopShell} from "../DesktopShell.ts";
import type {Logger} from "../logging/Logger.ts";
import type {ModelHost} from "../models/ModelHost.ts";
import type {ModelLibrary} from "../models/ModelLibrary.ts";
import type {AppSettingsRepository} from "../store/AppSettingsRepository.ts";

/** The app setting that keeps the models folder the user chose. */
const modelsDirSetting = "modelsDir";

/** Enough lines to see what led up to a problem, few enough to paste into an issue. */
const logLinesInReport = 100;

export interface AppServiceOptions {
    version: string;
    shell: AppInfo["shell"];
    dataDir: string;
    /** The desktop app's Electron and Chromium versions, for the About box. */
    shellVersions?: {electron: string; chromium: string};
    logsDir: string;
    desktop?: DesktopShell;
}

/** What the About box and a bug report show: versions, the machine, the folders, the log's end. */
export class AppService {
    readonly #options: AppServiceOptions;
    readonly #settings: AppSettingsRepository;
    readonly #library: ModelLibrary;
    readonly #models: ModelHost;
    readonly #logger: Logger;

    constructor(settings: AppSettingsRepository, library: ModelLibrary, models: ModelHost, logger: Logger, options: AppServiceOptions) {
        this.#settings = settings;
        this.#library = library;
        this.#models = models;
        this.#logger = logger;
        this.#options = options;
    }

    /** The models folder the user chose last time, if any. */
    static savedModelsDir(settings: AppSettingsRepository): string | undefined {
        return settings.get(modelsDirSetting);
    }

    info(): AppInfo {
        return {
            version: this.#options.version,
            shell: this.#options.shell,
            platform: process.platform,
            arch: process.arch,
            modelsDir: this.#library.modelsDir,
            dataDir: path.resolve(this.#options.dataDir)
        };
    }

    /** Keeps the models folder now in use for the next start; resolves to the info that shows it. */
    rememberModelsDir(): AppInfo {
        this.#settings.set(modelsDirSetting, this.#library.modelsDir);
        return this.info();
    }

    async system(): Promise<SystemInfo> {
        const runtime = await this.#models.describeRuntime();
        return {
            versions: {
                app: this.#options.version,
                electron: this.#options.shellVersions?.electron ?? null,
                chromium: this.#options.shellVersions?.chromium ?? null,
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
    }

    handlers(): DomainHandlers<"app"> {
        return {
            getInfo: async () => this.info(),
            getSystem: () => this.system(),
            getLogs: async () => ({folder: this.#options.logsDir, lines: this.#logger.tail(logLinesInReport)}),
            openLogsFolder: async () => requireDesktop(this.#options.desktop).openFolder(this.#options.logsDir)
        };
    }
}
