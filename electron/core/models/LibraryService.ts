import type {CatalogEntry, FitEstimate, ModelFile, ModelRecommendation, RequestArgs} from "../../contract.ts";
import type {DownloadManager} from "../downloads/DownloadManager.ts";
import type {DesktopShell} from "../DesktopShell.ts";
import {resolveAddress} from "../downloads/resolveAddress.ts";
import type {EventBus} from "../events/EventBus.ts";
import type {ModelHost} from "./ModelHost.ts";
import type {ModelLibrary} from "./ModelLibrary.ts";
import {recommendModel} from "./recommendModel.ts";

/** The Models view's requests that span the library, the loaded model and the hub. */
export class LibraryService {
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

    /** Unloads the model first if it is the one loaded. */
    async delete(modelId: string): Promise<ModelFile[]> {
        if (this.#host.state.modelId === modelId)
            await this.#host.unload();
        await this.#library.delete(modelId);
        return this.announceList();
    }

    /**
     * A listed model is read from disk, with the KV cache it loads with unless another is asked;
     * a catalog id, `hf:` URI or URL is read remotely (its header only).
     */
    async estimateFit(args: RequestArgs<"models.estimateFit">): Promise<FitEstimate> {
        if ("modelId" in args) {
            const {path} = await this.#library.resolve(args.modelId);
            return this.#host.estimateFit(path, args.kvCacheType ?? (await this.#host.loadOptionsFor(args.modelId)).kvCacheType);
        }
        const resolved = await resolveAddress(args.address, this.#downloads.hubUrl, this.catalog);
        return this.#host.estimateFit(resolved.files[0]!.url, args.kvCacheType);
    }

    recommend(): Promise<ModelRecommendation> {
        return recommendModel(this.catalog, (entry) => this.estimateFit({address: entry.id}));
    }

    #desktopShell(): DesktopShell {
        if (this.#desktop == null)
            throw new Error("Only the desktop app can open the file manager or a file dialog; in a browser, type the file's path.");
        return this.#desktop;
    }

    /** Tells every window the models list changed (after an import, a delete, a finished download). */
    async announceList(): Promise<ModelFile[]> {
        const files = await this.#library.list();
        this.#events.emit("models.listChanged", files);
        return files;
    }
}
