import {Worker} from "node:worker_threads";
import {hashBlockBytes} from "./GrowingFileHasher.ts";

/** Why a receive stopped short; `downloadFile` turns it into the error the user sees. */
export type ReceiveFailure =
    /** An HTTP answer other than the file (after redirects); `message` is the status text. */
    | {kind: "status"; status: number; message: string}
    /** Reset, refused, timed out, closed early: worth retrying. */
    | {kind: "network"; message: string; code?: string}
    /** Writing the file failed; `code` is the errno name (ENOSPC: the disk is full). */
    | {kind: "file"; message: string; code?: string}
    /** The server did something retrying won't change (no range support, too many bytes, a redirect loop). */
    | {kind: "refused"; message: string};

export interface ReceiveEnd {
    /** Bytes on disk, contiguous from the start of the file. */
    position: number;
    /** Absent when the response ended (complete or not) or `stop()` was called. */
    failure?: ReceiveFailure;
}

type WorkerMessage =
    | {type: "progress"; position: number}
    | {type: "end"; position: number; failure?: ReceiveFailure};

// CommonJS, evaluated: no separate file to find once the main process is bundled. Plain Node
// modules only, so the worker starts without the process's flags or loaders (execArgv: []).
const workerSource = `
const {parentPort, workerData} = require("node:worker_threads");
const fs = require("node:fs");
const http = require("node:http");
const https = require("node:https");
const {partPath, written, notifyBytes, progressMs, idleTimeoutMs, maxRedirects} = workerData;
let stopCurrent = null;
let notified = 0;

parentPort.on("message", (message) => {
    if (message.type === "receive")
        receive(message.url, message.headers, message.start, message.sizeBytes);
    else if (message.type === "stop")
        stopCurrent?.();
});

/** Tells a reader of the growing file (the hashing thread) how far the bytes on disk go; wakes it once a block is ready, not per chunk. */
function publish(position) {
    if (written == null)
        return;
    Atomics.store(written, 0, BigInt(position));
    if (Math.abs(position - notified) >= notifyBytes) {
        notified = position;
        Atomics.notify(written, 0);
    }
}

function failure(kind, error) {
    return {kind, message: error.message, code: error.code};
}

/** \`headers\` (the hub's token) go to the first URL's origin only: a redirect elsewhere (a CDN) never sees them. */
function receive(url, headers, start, sizeBytes) {
    const origin = new URL(url).origin;
    let position = start;
    let fd = null;
    let request = null;
    let ended = false;
    let lastProgress = Date.now();
    const end = (reason) => {
        if (ended)
            return;
        ended = true;
        stopCurrent = null;
        request?.destroy();
        try {
            if (fd != null)
                fs.closeSync(fd);
        } catch (error) {
            reason ??= failure("file", error);
        }
        parentPort.postMessage({type: "end", position, failure: reason});
    };
    stopCurrent = () => end(undefined);
    publish(start);

    // Each chunk is written the moment it arrives, with nothing piled up in memory.
    const onData = (chunk) => {
        if (ended)
            return;
        if (position + chunk.length > sizeBytes)
            return end({kind: "refused", message: "The server sent more bytes than the file has."});
        let written = 0;
        try {
            while (written < chunk.length)
                written += fs.writeSync(fd, chunk, written, chunk.length - written, position + written);
        } catch (error) {
            position += written;
            publish(position);
            return end(failure("file", error));
        }
        position += chunk.length;
        publish(position);
        const now = Date.now();
        if (now - lastProgress >= progressMs) {
            lastProgress = now;
            parentPort.postMessage({type: "progress", position});
        }
    };

    const get = (address, redirects) => {
        const target = new URL(address);
        const sent = request = (target.protocol === "https:" ? https : http).get(target, {headers: {
            ...(target.origin === origin ? headers : {}),
            ...(start > 0 ? {range: "bytes=" + start + "-"} : {})
        }});
        sent.setTimeout(idleTimeoutMs, () => sent.destroy(Object.assign(new Error("no data for " + idleTimeoutMs / 1000 + " s"), {code: "ETIMEDOUT"})));
        sent.on("error", (error) => {
            if (request === sent)
                end(failure("network", error));
        });
        sent.on("response", (response) => {
            const status = response.statusCode ?? 0;
            if (status >= 300 && status < 400 && response.headers.location != null) {
                response.resume();
                if (redirects >= maxRedirects)
                    return end({kind: "refused", message: "The server redirected too many times."});
                let next = null;
                try {
                    next = new URL(response.headers.location, target);
                } catch {
                    // Refused below, like any other address it won't follow.
                }
                // A plain URL has no published sha256: a downgrade to http would let the network swap the file.
                if (next == null || !/^https?:$/.test(next.protocol) || (target.protocol === "https:" && next.protocol === "http:"))
                    return end({kind: "refused", message: "The server redirected to " + response.headers.location + ", which Ponder won't follow (only http(s), and never from https to http)."});
                return get(next.href, redirects + 1);
            }
            if (status !== 200 && status !== 206)
                return end({kind: "status", status, message: response.statusMessage ?? ""});
            if (start > 0 && status === 200)
                return end({kind: "refused", message: "The server does not support resuming downloads (no range requests)."});
            try {
                fd = fs.openSync(partPath, start > 0 ? "r+" : "w");
            } catch (error) {
                return end(failure("file", error));
            }
            response.on("data", onData);
            response.on("end", () => end(undefined));
            response.on("error", (error) => end(failure("network", error)));
            response.on("close", () => end(position < sizeBytes ? {kind: "network", message: "the connection closed before the end of the file"} : undefined));
        });
    };
    get(url, 0);
}
`;

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
        this.#worker = new Worker(workerSource, {eval: true, execArgv: [], workerData: {partPath, written, notifyBytes: hashBlockBytes, progressMs, idleTimeoutMs, maxRedirects}});
        this.#worker.on("error", (error) => {
            this.#failure = error;
            this.#pending?.reject(error);
        });
        this.#worker.on("message", (message: WorkerMessage) => {
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
            this.#worker.postMessage({type: "receive", url, headers, start, sizeBytes});
        });
    }

    /** Ends the running receive after the chunk being written; its promise then settles with the bytes on disk. */
    stop(): void {
        this.#worker.postMessage({type: "stop"});
    }

    async close(): Promise<void> {
        await this.#worker.terminate();
    }
}
