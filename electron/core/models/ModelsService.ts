import {PonderError} from "../../contract/errors.ts";
import {stat} from "node:fs/promises";
import path from "node:path";
import type {CatalogEntry, DomainHandlers, FitEstimate, ModelFile, ModelRecommendation, RequestArgs} from "../../contract.ts";
import type {AppService} from "../app/AppService.ts";
import type {DownloadManager} from "../downloads/DownloadManager.ts";
import {requireDesktop, type DesktopShell} from "../DesktopShell.ts";
import {resolveAddress} from "../downloads/resolveAddress.ts";
import type {EventBus} from "../events/EventBus.ts";
import type {ModelHost} from "./ModelHost.ts";
import type {ModelLibrary} from "./ModelLibrary.ts";
import {recommendModel} from "./recommendModel.ts";

/** The `models` and `catalog` requests (the Models view), spanning the files on disk (ModelLibrary), the loaded model and the hub. */
export class ModelsService {
    readonly catalog: readonly CatalogEntry[];
    readonly #library: ModelLibrary;
    readonly #host: ModelHost;
    readonly #downloads: DownloadManager;
    readonly #events: EventBus;
    readonly #desktop: DesktopShell | undefined;

    /** `desktop`: the desktop app's file manager and open dialog; absent in `serve`. */
    constructor(catalog: readonly CatalogEntry[], library: ModelLibrary, host: ModelHost, downloads: DownloadManager, events: EventBus, desktop?: DesktopShell) {
        this.catalog = catalog;
        this.#library = library;
        this.#host = host;
        this.#downloads = downloads;
        this.#events = events;
        this.#desktop = desktop;
    }

    async import(fileOrFolder: string): Promise<ModelFile[]> {
        await this.#library.import(fileOrFolder);
        return this.announceList();
    }

    /** The files the user picks in the system's open dialog are imported; a cancelled dialog changes nothing. */
    async importPicked(): Promise<ModelFile[]> {
        const filePaths = await this.#desktopShell().pickModelFiles();
        if (filePaths.length === 0)
            return this.#library.list();
        try {
            for (const filePath of filePaths)
                await this.#library.import(filePath);
        } finally {
            // The files before one that failed are in the library: every window must list them.
            await this.announceList();
        }
        return this.#library.list();
    }

    /** Only a listed model's id is taken, never a path: the window can't make the file manager open anything else. */
    async reveal(modelId: string): Promise<void> {
        const desktop = this.#desktopShell();
        desktop.reveal((await this.#library.resolve(modelId)).path);
    }

    /** Desktop only: shows the models folder in the system file manager. */
    async openFolder(): Promise<void> {
        await this.#desktopShell().openFolder(this.#library.modelsDir);
    }

    /**
     * Lists (and downloads to) another existing folder from now on: the one given, or in the
     * desktop app the one picked in the open dialog. Resolves to the folder now in use.
     */
    async changeFolder(folder: string | undefined): Promise<string> {
        const chosen = folder ?? await this.#desktopShell().pickFolder();
        if (chosen == null)
            return this.#library.modelsDir;
        const absolute = path.resolve(chosen);
        const info = await stat(absolute).catch(() => undefined);
        if (info?.isDirectory() !== true)
            throw new PonderError("library.noFolderAtPath", {path: absolute});
        this.#downloads.moveTo(absolute);
        this.#library.modelsDir = absolute;
        await this.announceList();
        return absolute;
    }

    /** Unloads the model first if it is the one loaded. */
    async delete(modelId: string): Promise<ModelFile[]> {
        if (this.#host.state.modelId === modelId)
            await this.#host.unload();
        await this.#library.delete(modelId);
        return this.announceList();
    }

    /**
     * A listed model is read from disk, with the parallel replies, KV cache and draft model it
     * loads with (or those asked); a catalog id, `hf:` URI or URL is read remotely (its header only).
     */
    async estimateFit(args: RequestArgs<"models.estimateFit">): Promise<FitEstimate> {
        if ("modelId" in args) {
            const {path} = await this.#library.resolve(args.modelId);
            const {parallel, kvCacheType, draftModelPath} = await this.#host.loadOptionsFor(args.modelId);
            const draft = args.draftModelId === undefined ? draftModelPath
                : args.draftModelId === null ? undefined : (await this.#library.resolve(args.draftModelId)).path;
            return this.#host.estimateFit(path, {parallel, kvCacheType: args.kvCacheType ?? kvCacheType, draft});
        }
        const {hub} = this.#downloads;
        const resolved = await resolveAddress(args.address, hub, this.catalog);
        const {url} = resolved.files[0]!;
        const onHub = new URL(url).origin === hub.url.origin;
        // A gated file or a rate limit gets the hub's own clear message, not a header reader's status code.
        if (onHub)
            await hub.request(new URL(url), {method: "HEAD", repo: resolved.dir, missing: () => new PonderError("address.noSuchFile", {repo: resolved.dir, file: resolved.files[0]!.name})});
        return this.#host.estimateFit(url, {headers: hub.headersFor(url), kvCacheType: args.kvCacheType});
    }

    recommend(): Promise<ModelRecommendation> {
        return recommendModel(this.catalog, (entry) => this.estimateFit({address: entry.id}));
    }

    /** The `models` requests; changing the folder is remembered by the app and answers with its info. */
    modelHandlers(app: AppService): DomainHandlers<"models"> {
        return {
            list: () => this.#library.list(),
            load: ({modelId}) => this.#host.load(modelId),
            unload: () => this.#host.unload(),
            getState: async () => this.#host.state,
            delete: ({modelId}) => this.delete(modelId),
            import: ({path: fileOrFolder}) => this.import(fileOrFolder),
            importPicked: () => this.importPicked(),
            reveal: ({modelId}) => this.reveal(modelId),
            openFolder: () => this.openFolder(),
            changeFolder: async ({path: folder}) => {
                await this.changeFolder(folder);
                return app.rememberModelsDir();
            },
            estimateFit: (args) => this.estimateFit(args)
        };
    }

    catalogHandlers(): DomainHandlers<"catalog"> {
        return {
            list: async () => [...this.catalog],
            recommend: () => this.recommend()
        };
    }

    #desktopShell(): DesktopShell {
        return requireDesktop(this.#desktop);
    }

    /** Tells every window the models list changed (after an import, a delete, a finished download). */
    async announceList(): Promise<ModelFile[]> {
        const files = await this.#library.list();
        this.#events.emit("models.listChanged", files);
        return files;
    }
}
