import {randomUUID} from "node:crypto";
import {mkdir, rename, rm, stat} from "node:fs/promises";
import path from "node:path";
import type {CatalogEntry, Download, DomainHandlers} from "../../contract.ts";
import type {EventBus} from "../events/EventBus.ts";
import {downloadFile, isDiskFull} from "./downloadFile.ts";
import type {DownloadRecord, DownloadRepository} from "./DownloadRepository.ts";
import {freeDiskSpace} from "./freeDiskSpace.ts";
import {resolveAddress} from "./resolveAddress.ts";
import {HubAccess} from "../hub/HubAccess.ts";
import {Logger} from "../logging/Logger.ts";
import {failureOf, PonderError} from "../../contract/errors.ts";

export interface DownloadManagerOptions {
    /** Failed downloads are logged here with their cause. */
    logger?: Logger;
    /** The Hugging Face hub (or a mirror) that `hf:` addresses and catalog entries resolve against. Defaults to https://huggingface.co. */
    hubUrl?: string;
    /** The user's Hugging Face token, if any, sent to the hub only (gated repositories need it). */
    hubToken?: () => string | null;
    /** Bytes free in a folder. Defaults to the file system's own figure; tests give a smaller disk. */
    freeSpace?: (dir: string) => Promise<number>;
    /** Space always left free on the disk. Defaults to 512 MiB. */
    reserveBytes?: number;
    /** Retries of a network error before the download stops with an error. Defaults to 6. */
    retries?: number;
    /** First retry delay, doubled each time. Defaults to 1000 ms. */
    backoffMs?: number;
    /** Called when a download completes and its model is listed. */
    onModelReady?: (modelId: string) => void;
}

interface Progress {
    receivedBytes: number;
    /** Recent (time, bytes) samples for the speed over the last few seconds. */
    samples: Array<[number, number]>;
}

type StopReason = "pause" | "cancel" | "shutdown";

const speedWindowMs = 5000;
const eventIntervalMs = 250;

/**
 * The download queue: one download at a time, in the order added; pause, resume and cancel;
 * continues after a restart or a crash from the bytes on disk; verified files only become
 * models (`.gguf`), while in progress they are `.gguf.part` files the library never lists.
 */
export class DownloadManager {
    readonly #repository: DownloadRepository;
    /** Where downloads go: the models folder, which the user may change while none is unfinished. */
    #modelsDir: string;
    readonly #catalog: readonly CatalogEntry[];
    readonly #events: EventBus;
    readonly #options: DownloadManagerOptions;
    readonly hub: HubAccess;
    readonly #logger: Logger;
    readonly #progress = new Map<string, Progress>();
    #active: {id: string; controller: AbortController; done: Promise<void>} | undefined;
    #emitTimer: NodeJS.Timeout | undefined;
    #disposed = false;
    /** Set when the disk filled: nothing else starts until the user resumes a download. */
    #halted = false;

    constructor(repository: DownloadRepository, modelsDir: string, catalog: readonly CatalogEntry[], events: EventBus, options: DownloadManagerOptions = {}) {
        this.#repository = repository;
        this.#modelsDir = modelsDir;
        this.#catalog = catalog;
        this.#events = events;
        this.#options = options;
        this.hub = new HubAccess(options.hubUrl ?? "https://huggingface.co", options.hubToken);
        this.#logger = options.logger ?? Logger.silent();
    }

    /** Counts the bytes already on disk and continues what was running when the app stopped. */
    async start(): Promise<void> {
        for (const record of this.#repository.list()) {
            this.#progress.set(record.id, {receivedBytes: await this.#bytesOnDisk(record), samples: []});
            if (record.status === "downloading")
                this.#repository.update(record.id, {status: "queued", error: null});
        }
        this.#pump();
    }

    /** Whether a download is queued, running or paused: its bytes are in the models folder, which must not change under it. */
    get unfinished(): boolean {
        return this.#repository.list().some((record) => record.status !== "done" && record.status !== "error");
    }

    /** Downloads go to another models folder from now on; refused while one is unfinished. */
    moveTo(modelsDir: string): void {
        if (this.unfinished)
            throw new PonderError("download.unfinished");
        this.#modelsDir = modelsDir;
    }

    list(): Download[] {
        return this.#repository.list().map((record) => this.#describe(record));
    }

    /** Resolves the address (sizes and sha256 from the hub) and queues it; the same model twice is one download. */
    async add(address: string): Promise<Download> {
        const resolved = await resolveAddress(address, this.hub, this.#catalog);
        const same = this.#repository.list().find((record) => record.dir === resolved.dir && record.files[0]?.name === resolved.files[0]?.name);
        if (same?.status === "done") {
            // Asked again after it finished (perhaps deleted since): a fresh entry; files still on disk are kept, not fetched again.
            this.#repository.delete(same.id);
            this.#progress.delete(same.id);
        } else if (same != null) {
            return same.status === "paused" || same.status === "error" ? this.resume(same.id) : this.#describe(same);
        }
        const record: DownloadRecord = {id: randomUUID(), address, ...resolved, status: "queued", error: null, modelId: null, createdAt: Date.now()};
        this.#repository.insert(record);
        this.#progress.set(record.id, {receivedBytes: await this.#bytesOnDisk(record), samples: []});
        this.#pump();
        this.#emitNow();
        return this.#describe(this.#get(record.id));
    }

    async pause(id: string): Promise<Download> {
        const record = this.#get(id);
        if (record.status === "queued" || record.status === "downloading") {
            this.#repository.update(id, {status: "paused", error: null});
            await this.#stopActive(id, "pause");
            this.#emitNow();
        }
        return this.#describe(this.#get(id));
    }

    resume(id: string): Download {
        const record = this.#get(id);
        if (record.status === "paused" || record.status === "error") {
            this.#repository.update(id, {status: "queued", error: null});
            this.#halted = false;
            this.#pump();
            this.#emitNow();
        }
        return this.#describe(this.#get(id));
    }

    /** Stops a download and deletes its partial files; a finished one just leaves the list (its model stays). */
    async cancel(id: string): Promise<void> {
        const record = this.#get(id);
        await this.#stopActive(id, "cancel");
        if (record.status !== "done") {
            for (const file of record.files)
                await rm(this.#pathOf(record, file.name) + ".part", {force: true});
        }
        this.#repository.delete(id);
        this.#progress.delete(id);
        this.#pump();
        this.#emitNow();
    }

    /** Stops the running download, keeping it queued so the next start continues it. */
    handlers(): DomainHandlers<"downloads"> {
        return {
            list: async () => this.list(),
            add: ({address}) => this.add(address),
            pause: ({downloadId}) => this.pause(downloadId),
            resume: async ({downloadId}) => this.resume(downloadId),
            cancel: ({downloadId}) => this.cancel(downloadId)
        };
    }

    async dispose(): Promise<void> {
        this.#disposed = true;
        if (this.#active != null)
            await this.#stopActive(this.#active.id, "shutdown");
        clearTimeout(this.#emitTimer);
    }

    #pump() {
        if (this.#active != null || this.#disposed || this.#halted)
            return;
        const next = this.#repository.list().find((record) => record.status === "queued");
        if (next == null)
            return;
        const controller = new AbortController();
        this.#active = {id: next.id, controller, done: this.#run(next, controller.signal)};
    }

    async #run(record: DownloadRecord, signal: AbortSignal) {
        this.#repository.update(record.id, {status: "downloading", error: null});
        this.#emitNow();
        const progress = this.#progress.get(record.id)!;
        progress.samples = [];
        try {
            const dir = path.join(this.#modelsDir, ...record.dir.split("/"));
            await mkdir(dir, {recursive: true});
            await this.#assertRoomForAll(record, dir);
            let completeBytes = 0;
            for (const file of record.files) {
                const finalPath = path.join(dir, file.name);
                if (await sizeOf(finalPath) !== file.sizeBytes) {
                    await downloadFile({
                        url: file.url,
                        headers: this.hub.headersFor(file.url),
                        partPath: finalPath + ".part",
                        sizeBytes: file.sizeBytes,
                        sha256: file.sha256,
                        signal,
                        onProgress: (bytes) => this.#onProgress(progress, completeBytes + bytes),
                        freeSpace: () => (this.#options.freeSpace ?? freeDiskSpace)(dir),
                        reserveBytes: this.#reserveBytes,
                        retries: this.#options.retries ?? 6,
                        backoffMs: this.#options.backoffMs ?? 1000
                    });
                    // Only a complete, verified file gets the name the library lists.
                    await rename(finalPath + ".part", finalPath);
                }
                completeBytes += file.sizeBytes;
            }
            const modelId = `${record.dir}/${record.files[0]!.name}`;
            this.#repository.update(record.id, {status: "done", error: null, modelId});
            this.#logger.info("Download finished", {downloadId: record.id, modelId});
            this.#options.onModelReady?.(modelId);
        } catch (error) {
            const reason = signal.aborted ? signal.reason as StopReason : undefined;
            if (reason == null) {
                // A full disk pauses the whole queue: every other download would meet the same disk.
                const diskFull = isDiskFull(error);
                this.#halted ||= diskFull;
                this.#repository.update(record.id, {status: diskFull ? "paused" : "error", error: failureOf(error)});
                this.#logger.warn(diskFull ? "Download paused: the disk is full" : "Download failed", {downloadId: record.id, cause: error});
            }
        } finally {
            progress.receivedBytes = await this.#bytesOnDisk(record);
            progress.samples = [];
            this.#active = undefined;
            this.#pump();
            this.#emitNow();
        }
    }

    /** Every part of a split model must fit, not just the first, or the last part would meet a full disk. */
    async #assertRoomForAll(record: DownloadRecord, dir: string) {
        const totalBytes = record.files.reduce((total, file) => total + file.sizeBytes, 0);
        const needed = totalBytes - await this.#bytesOnDisk(record) + this.#reserveBytes;
        const free = await (this.#options.freeSpace ?? freeDiskSpace)(dir);
        if (free < needed)
            throw new PonderError("download.notEnoughDisk", {neededBytes: needed, freeBytes: free});
    }

    get #reserveBytes() {
        return this.#options.reserveBytes ?? 512 * 2 ** 20;
    }

    async #stopActive(id: string, reason: StopReason) {
        const active = this.#active;
        if (active?.id !== id)
            return;
        active.controller.abort(reason);
        await active.done;
    }

    #onProgress(progress: Progress, receivedBytes: number) {
        progress.receivedBytes = receivedBytes;
        const now = Date.now();
        progress.samples.push([now, receivedBytes]);
        while (progress.samples.length > 2 && now - progress.samples[0]![0] > speedWindowMs)
            progress.samples.shift();
        this.#emitSoon();
    }

    #describe(record: DownloadRecord): Download {
        const progress = this.#progress.get(record.id);
        const totalBytes = record.files.reduce((total, file) => total + file.sizeBytes, 0);
        const receivedBytes = record.status === "done" ? totalBytes : progress?.receivedBytes ?? 0;
        let bytesPerSecond = 0;
        const samples = progress?.samples ?? [];
        if (record.status === "downloading" && samples.length >= 2) {
            const [[firstTime, firstBytes], [lastTime, lastBytes]] = [samples[0]!, samples.at(-1)!];
            if (lastTime > firstTime)
                bytesPerSecond = Math.round((lastBytes - firstBytes) / ((lastTime - firstTime) / 1000));
        }
        return {
            id: record.id,
            address: record.address,
            title: record.title,
            files: record.files.map(({name, sizeBytes}) => ({name, sizeBytes})),
            totalBytes,
            receivedBytes,
            bytesPerSecond,
            etaSeconds: bytesPerSecond > 0 ? Math.ceil((totalBytes - receivedBytes) / bytesPerSecond) : null,
            status: record.status,
            error: record.error,
            verified: record.files.every((file) => file.sha256 != null),
            modelId: record.modelId,
            createdAt: record.createdAt
        };
    }

    #emitSoon() {
        this.#emitTimer ??= setTimeout(() => this.#emitNow(), eventIntervalMs);
    }

    #emitNow() {
        clearTimeout(this.#emitTimer);
        this.#emitTimer = undefined;
        this.#events.emit("downloads.changed", this.list());
    }

    #get(id: string) {
        const record = this.#repository.list().find((candidate) => candidate.id === id);
        if (record == null)
            throw new PonderError("download.gone");
        return record;
    }

    #pathOf(record: DownloadRecord, fileName: string) {
        return path.join(this.#modelsDir, ...record.dir.split("/"), fileName);
    }

    async #bytesOnDisk(record: DownloadRecord) {
        let total = 0;
        for (const file of record.files) {
            const finalPath = this.#pathOf(record, file.name);
            const complete = await sizeOf(finalPath);
            total += complete === file.sizeBytes ? complete : await sizeOf(finalPath + ".part") ?? 0;
        }
        return total;
    }
}

async function sizeOf(filePath: string) {
    try {
        return (await stat(filePath)).size;
    } catch {
        return null;
    }
}
