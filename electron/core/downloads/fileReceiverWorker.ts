// The thread of a FileReceiver: receives one file's bytes over HTTP and writes each chunk at its
// place. Node's own modules only (it starts without the process's loaders); started by startWorker.
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import {parentPort, workerData} from "node:worker_threads";
import type {ReceiveFailure} from "./FileReceiver.ts";

export interface FileReceiverWorkerData {
    partPath: string;
    /** Where the bytes on disk are published for a hashing thread (slot 0); absent without one. */
    written?: BigInt64Array;
    notifyBytes: number;
    progressMs: number;
    idleTimeoutMs: number;
    maxRedirects: number;
}

/** What the main thread asks. */
export type FileReceiverRequest =
    | {type: "receive"; url: string; headers: Record<string, string>; start: number; sizeBytes: number}
    | {type: "stop"};

/** What the worker tells. */
export type FileReceiverReport =
    | {type: "progress"; position: number}
    | {type: "end"; position: number; failure?: ReceiveFailure};

const {partPath, written, notifyBytes, progressMs, idleTimeoutMs, maxRedirects} = workerData as FileReceiverWorkerData;
const port = parentPort!;
let stopCurrent: (() => void) | null = null;
let notified = 0;

const report = (message: FileReceiverReport) => port.postMessage(message);

port.on("message", (message: FileReceiverRequest) => {
    if (message.type === "receive")
        receive(message.url, message.headers, message.start, message.sizeBytes);
    else if (message.type === "stop")
        stopCurrent?.();
});

/** Tells a reader of the growing file (the hashing thread) how far the bytes on disk go; wakes it once a block is ready, not per chunk. */
function publish(position: number) {
    if (written == null)
        return;
    Atomics.store(written, 0, BigInt(position));
    if (Math.abs(position - notified) >= notifyBytes) {
        notified = position;
        Atomics.notify(written, 0);
    }
}

function fileFailure(error: unknown): ReceiveFailure {
    const {message, code} = error as NodeJS.ErrnoException;
    return {kind: "file", message, code};
}

function networkFailure(error: unknown): ReceiveFailure {
    const {message, code} = error as NodeJS.ErrnoException;
    return {kind: "network", reason: error === idleTimeout ? {code: "download.noDataFor", params: {seconds: idleTimeoutMs / 1000}} : message, code};
}

/** Ends a connection that sent nothing for {@link idleTimeoutMs}; told apart from the OS's own ETIMEDOUT by identity. */
const idleTimeout = Object.assign(new Error(), {code: "ETIMEDOUT"});

/** `headers` (the hub's token) go to the first URL's origin only: a redirect elsewhere (a CDN) never sees them. */
function receive(url: string, headers: Record<string, string>, start: number, sizeBytes: number) {
    const origin = new URL(url).origin;
    let position = start;
    let fd: number | null = null;
    let request: http.ClientRequest | null = null;
    let ended = false;
    let lastProgress = Date.now();
    const end = (reason: ReceiveFailure | undefined) => {
        if (ended)
            return;
        ended = true;
        stopCurrent = null;
        request?.destroy();
        try {
            if (fd != null)
                fs.closeSync(fd);
        } catch (error) {
            reason ??= fileFailure(error);
        }
        report({type: "end", position, failure: reason});
    };
    stopCurrent = () => end(undefined);
    publish(start);

    // Each chunk is written the moment it arrives, with nothing piled up in memory.
    const onData = (chunk: Buffer) => {
        if (ended)
            return;
        if (position + chunk.length > sizeBytes)
            return end({kind: "refused", reason: {code: "download.tooManyBytes", params: {}}});
        let writtenNow = 0;
        try {
            while (writtenNow < chunk.length)
                writtenNow += fs.writeSync(fd!, chunk, writtenNow, chunk.length - writtenNow, position + writtenNow);
        } catch (error) {
            position += writtenNow;
            publish(position);
            return end(fileFailure(error));
        }
        position += chunk.length;
        publish(position);
        const now = Date.now();
        if (now - lastProgress >= progressMs) {
            lastProgress = now;
            report({type: "progress", position});
        }
    };

    const get = (address: string, redirects: number): void => {
        const target = new URL(address);
        const sent = request = (target.protocol === "https:" ? https : http).get(target, {headers: {
            ...(target.origin === origin ? headers : {}),
            ...(start > 0 ? {range: "bytes=" + start + "-"} : {})
        }});
        sent.setTimeout(idleTimeoutMs, () => sent.destroy(idleTimeout));
        sent.on("error", (error) => {
            if (request === sent)
                end(networkFailure(error));
        });
        sent.on("response", (response) => {
            const status = response.statusCode ?? 0;
            if (status >= 300 && status < 400 && response.headers.location != null) {
                response.resume();
                if (redirects >= maxRedirects)
                    return end({kind: "refused", reason: {code: "download.tooManyRedirects", params: {}}});
                let next: URL | null = null;
                try {
                    next = new URL(response.headers.location, target);
                } catch {
                    // Refused below, like any other address it won't follow.
                }
                // A plain URL has no published sha256: a downgrade to http would let the network swap the file.
                if (next == null || !/^https?:$/.test(next.protocol) || (target.protocol === "https:" && next.protocol === "http:"))
                    return end({kind: "refused", reason: {code: "download.redirectRefused", params: {address: response.headers.location}}});
                return get(next.href, redirects + 1);
            }
            if (status !== 200 && status !== 206)
                return end({kind: "status", status, message: response.statusMessage ?? ""});
            if (start > 0 && status === 200)
                return end({kind: "refused", reason: {code: "download.noRangeRequests", params: {}}});
            try {
                fd = fs.openSync(partPath, start > 0 ? "r+" : "w");
            } catch (error) {
                return end(fileFailure(error));
            }
            response.on("data", onData);
            response.on("end", () => end(undefined));
            response.on("error", (error) => end(networkFailure(error)));
            response.on("close", () => end(position < sizeBytes ? {kind: "network", reason: {code: "download.connectionClosedEarly", params: {}}} : undefined));
        });
    };
    get(url, 0);
}
