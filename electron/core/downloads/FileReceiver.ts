import type {Worker} from "node:worker_threads";
import type {Failure, PonderErrorData} from "../../contract/errors.ts";
import type {FileReceiverReport, FileReceiverRequest, FileReceiverWorkerData} from "./fileReceiverWorker.ts";
import {hashBlockBytes} from "./GrowingFileHasher.ts";
import {startWorker} from "../../../native/index.ts";

/** Why a receive stopped short; `downloadFile` turns it into the error the user sees. */
export type ReceiveFailure =
    /** An HTTP answer other than the file (after redirects); `message` is the status text. */
    | {kind: "status"; status: number; message: string}
    /** Reset, refused, timed out, closed early: worth retrying. */
    | {kind: "network"; reason: Failure; code?: string}
    /** Writing the file failed; `code` is the errno name (ENOSPC: the disk is full). */
    | {kind: "file"; message: string; code?: string}
    /** The server did something retrying won't change (no range support, too many bytes, a redirect loop). */
    | {kind: "refused"; reason: PonderErrorData};

export interface ReceiveEnd {
    /** Bytes on disk, contiguous from the start of the file. */
    position: number;
    /** Absent when the response ended (complete or not) or `stop()` was called. */
    failure?: ReceiveFailure;
}

/** Progress reaches the main thread at most this often. */
const progressMs = 100;
/** A connection that sends nothing for this long is dropped (and retried). */
const idleTimeoutMs = 60_000;
const maxRedirects = 10;

/**
 * Receives one file's bytes with HTTP range requests on its own thread, writing each chunk at its
 * place the moment it arrives: the main thread (Electron's, which also serves the UI) never waits
 * on a slow disk, and no bytes are copied between threads or held in memory. One receiver per
 * file, for every attempt (retries, resumes).
 */
export class FileReceiver {
    readonly #worker: Worker;
    #failure: Error | undefined;
    #pending: {onProgress(position: number): void; resolve(end: ReceiveEnd): void; reject(error: Error): void} | undefined;

    /** `written`: where to publish the bytes on disk as they grow (slot 0, with `Atomics.notify`), for a {@link GrowingFileHasher}. */
    constructor(partPath: string, written?: BigInt64Array) {
        const workerData: FileReceiverWorkerData = {partPath, written, notifyBytes: hashBlockBytes, progressMs, idleTimeoutMs, maxRedirects};
        this.#worker = startWorker(import.meta.url, "fileReceiverWorker", workerData);
        this.#worker.on("error", (error) => {
            this.#failure = error;
            this.#pending?.reject(error);
        });
        this.#worker.on("message", (message: FileReceiverReport) => {
            if (message.type === "progress") {
                this.#pending?.onProgress(message.position);
            } else {
                const pending = this.#pending;
                this.#pending = undefined;
                pending?.resolve({position: message.position, failure: message.failure});
            }
        });
    }

    /**
     * Requests the bytes from `start` on and writes them at their place; settles when the response ends, fails or `stop()` is called.
     * `headers` are sent to `url`'s origin only, not after a redirect to another.
     */
    receive(url: string, headers: Record<string, string>, start: number, sizeBytes: number, onProgress: (position: number) => void): Promise<ReceiveEnd> {
        if (this.#failure != null)
            return Promise.reject(this.#failure);
        if (this.#pending != null)
            throw new Error("A receive is already running.");
        return new Promise((resolve, reject) => {
            this.#pending = {onProgress, resolve, reject};
            this.#post({type: "receive", url, headers, start, sizeBytes});
        });
    }

    /** Ends the running receive after the chunk being written; its promise then settles with the bytes on disk. */
    stop(): void {
        this.#post({type: "stop"});
    }

    #post(request: FileReceiverRequest) {
        this.#worker.postMessage(request);
    }

    async close(): Promise<void> {
        await this.#worker.terminate();
    }
}
