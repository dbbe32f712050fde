import {PonderError} from "../../contract/errors.ts";
import type {Worker} from "node:worker_threads";
import type {GrowingFileHasherReport, GrowingFileHasherWorkerData} from "./growingFileHasherWorker.ts";
import {startWorker} from "../../../native/index.ts";

/** Slots of the shared positions. */
const writtenSlot = 0;
const finishedSlot = 1;

/** The hashing thread reads the file in blocks of this size; the writer wakes it once per block. */
export const hashBlockBytes = 4 * 2 ** 20;

/**
 * The sha256 of a file that is being written, computed on its own thread: it trails the writer
 * through a shared position and reads each block back from the OS's page cache. So hashing runs
 * beside receiving, on another core, with no bytes copied between threads or held in memory, and
 * it covers exactly what is on disk: after a pause, restart or crash, the bytes already there
 * are hashed from the start while the rest arrives.
 */
export class GrowingFileHasher {
    /** The writer stores the bytes on disk (contiguous from the start) in slot 0 with `Atomics.store`, and `Atomics.notify`s each {@link hashBlockBytes} or so. */
    readonly positions = new BigInt64Array(new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT));
    readonly #worker: Worker;
    readonly #digest: Promise<string>;

    constructor(filePath: string) {
        const workerData: GrowingFileHasherWorkerData = {filePath, positions: this.positions, writtenSlot, finishedSlot, blockBytes: hashBlockBytes};
        this.#worker = startWorker(import.meta.url, "growingFileHasherWorker", workerData);
        this.#digest = new Promise((resolve, reject) => {
            this.#worker.once("message", (report: GrowingFileHasherReport) => "digest" in report ? resolve(report.digest) : reject(new PonderError("download.shorterOnDisk")));
            this.#worker.once("error", reject);
            this.#worker.once("exit", () => reject(new PonderError("download.hashingStopped")));
        });
        // Read only by digest(); a failure before then must not go unhandled.
        this.#digest.catch(() => undefined);
    }

    /** The sha256 of the first `length` bytes (the whole file), once the hashing thread has read them. */
    async digest(length: number): Promise<string> {
        Atomics.store(this.positions, writtenSlot, BigInt(length));
        Atomics.store(this.positions, finishedSlot, 1n);
        Atomics.notify(this.positions, writtenSlot);
        return this.#digest;
    }

    async close(): Promise<void> {
        await this.#worker.terminate();
    }
}
