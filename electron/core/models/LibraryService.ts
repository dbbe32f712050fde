import type {CatalogEntry, FitEstimate, ModelFile, RequestArgs} from "../../contract.ts";
import type {DownloadManager} from "../downloads/DownloadManager.ts";
import {resolveAddress} from "../downloads/resolveAddress.ts";
import type {EventBus} from "../events/EventBus.ts";
import type {ModelHost} from "./ModelHost.ts";
import type {ModelLibrary} from "./ModelLibrary.ts";

/** The Models view's requests that span the library, the loaded model and the hub. */
export class LibraryService {
    readonly catalog: readonly CatalogEntry[];
    readonly #library: ModelLibrary;
    readonly #host: ModelHost;
    readonly #downloads: DownloadManager;
    readonly #events: EventBus;

    constructor(catalog: readonly CatalogEntry[], library: ModelLibrary, host: ModelHost, downloads: DownloadManager, events: EventBus) {
        this.catalog = catalog;
        this.#library = library;
        this.#host = host;
        this.#downloads = downloads;
        this.#events = events;
    }

    async import(fileOrFolder: string): Promise<ModelFile[]> {
        await this.#library.import(fileOrFolder);
        return this.announceList();
    }

    /** Unloads the model first if it is the one loaded. */
    async delete(modelId: string): Promise<ModelFile[]> {
        if (this.#host.state.modelId === modelId)
            await this.#host.unload();
        await this.#library.delete(modelId);
        return this.announceList();
    }

    /** A listed model is read from disk; a catalog id, `hf:` URI or URL is read remotely (its header only). */
    async estimateFit(args: RequestArgs<"models.estimateFit">): Promise<FitEstimate> {
        if ("modelId" in args)
            return this.#host.estimateFit((await this.#library.resolve(args.modelId)).path);
        const resolved = await resolveAddress(args.address, this.#downloads.hubUrl, this.catalog);
        return this.#host.estimateFit(resolved.files[0]!.url);
    }

    /** Tells every window the models list changed (after an import, a delete, a finished download). */
    async announceList(): Promise<ModelFile[]> {
        const files = await this.#library.list();
        this.#events.emit("models.listChanged", files);
        return files;
    }
}
