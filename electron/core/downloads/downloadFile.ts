import {rm, stat, truncate} from "node:fs/promises";
import {setTimeout as sleep} from "node:timers/promises";
import {FileReceiver, type ReceiveEnd} from "./FileReceiver.ts";
import {GrowingFileHasher} from "./GrowingFileHasher.ts";
import {PonderError, ponderErrorOf, type Failure} from "../../contract/errors.ts";

export interface DownloadFileOptions {
    url: string;
    /** Sent with the requests to `url`'s origin (the hub's token), never after a redirect elsewhere. */
    headers?: Record<string, string>;
    /** Where the bytes go while they arrive; bytes already there are kept and continued from. */
    partPath: string;
    sizeBytes: number;
    /** Hex; null when the source publishes none (plain URLs). */
    sha256: string | null;
    signal: AbortSignal;
    /** Called with the bytes on disk, as they grow. */
    onProgress(bytesOnDisk: number): void;
    /** Bytes still free where the file is written. */
    freeSpace(): Promise<number>;
    /** Space always left free, so the disk never fills to the last byte. */
    reserveBytes: number;
    /** Attempts after a network error or a 5xx/429 answer, counted afresh whenever bytes arrive. */
    retries: number;
    /** The first retry waits this long; each next one twice as long (capped at 30 s). */
    backoffMs: number;
}

/** The disk would fill: the download stops, its bytes stay, and it continues once there is room. */
export function isDiskFull(error: unknown): boolean {
    return error instanceof PonderError && (error.code === "download.diskFull" || error.code === "download.diskNearlyFull" || error.code === "download.notEnoughDisk");
}


const freeSpaceCheckMs = 250;
/** Room wanted beyond the bytes on disk at each check: about what a fast link brings until the next one. */
const roomAheadBytes = 16 * 2 ** 20;

/**
 * Downloads one file with HTTP range requests, continuing from the bytes already on disk (after
 * a pause, a restart or a crash), hashing every byte as it is written, checking free space
 * before and during, and retrying network errors with exponential backoff. Resolves once the
 * file is complete and its sha256 matches; it stays at `partPath` for the caller to move.
 */
export async function downloadFile(options: DownloadFileOptions): Promise<void> {
    const {partPath, sizeBytes} = options;
    let onDisk = await sizeOf(partPath);
    if (onDisk > sizeBytes) {
        await truncate(partPath, 0);
        onDisk = 0;
    }
    await assertRoom(options, sizeBytes - onDisk);
    // Resuming, the bytes already on disk are hashed again (a hash's state can't be saved across a crash), beside the download.
    const hasher = options.sha256 == null ? null : new GrowingFileHasher(partPath);
    const receiver = new FileReceiver(partPath, hasher?.positions);
    try {
        options.onProgress(onDisk);
        await receive(options, onDisk, receiver);
        if (hasher != null) {
            const actual = await hasher.digest(sizeBytes);
            if (actual !== options.sha256) {
                await rm(partPath, {force: true});
                throw new PonderError("download.corrupt", {actual, expected: options.sha256 ?? ""});
            }
        }
    } finally {
        await receiver.close();
        await hasher?.close();
    }
}

/** Fetches until the file is complete, retrying network failures with backoff. */
async function receive(options: DownloadFileOptions, start: number, receiver: FileReceiver) {
    const {sizeBytes, signal} = options;
    let onDisk = start;

    let attempt = 0;
    while (onDisk < sizeBytes) {
        signal.throwIfAborted();
        const before = onDisk;
        const end = await receiveRest(options, onDisk, receiver);
        onDisk = end.position;
        if (end.retry == null)
            continue;
        attempt = onDisk > before ? 1 : attempt + 1;
        if (attempt > options.retries)
            throw new PonderError("download.retriesExhausted", {count: options.retries + 1, reason: end.retry});
        await sleep(Math.min(30_000, options.backoffMs * 2 ** (attempt - 1)), undefined, {signal});
    }
}

/**
 * One request for the bytes from `start` on. Returns the bytes on disk afterwards, with the
 * reason to retry if it stopped short; throws what retrying won't fix (or the abort reason).
 */
async function receiveRest(options: DownloadFileOptions, start: number, receiver: FileReceiver): Promise<{position: number; retry?: Failure}> {
    const {signal} = options;
    let spaceCheck: Promise<void> | undefined;
    let lastSpaceCheck = Date.now();
    let stoppedBy: Error | undefined;
    const stop = () => receiver.stop();
    signal.addEventListener("abort", stop);
    let end: ReceiveEnd;
    try {
        end = await receiver.receive(options.url, options.headers ?? {}, start, options.sizeBytes, (position) => {
            options.onProgress(position);
            if (spaceCheck != null || Date.now() - lastSpaceCheck < freeSpaceCheckMs)
                return;
            spaceCheck = assertRoom(options, Math.min(roomAheadBytes, options.sizeBytes - position), position)
                .catch((error: unknown) => {
                    stoppedBy = error as Error;
                    receiver.stop();
                })
                .finally(() => {
                    spaceCheck = undefined;
                    lastSpaceCheck = Date.now();
                });
        });
    } finally {
        signal.removeEventListener("abort", stop);
    }
    // A check still running must settle here: a full disk it finds belongs to this receive, not the next.
    await spaceCheck;
    options.onProgress(end.position);
    signal.throwIfAborted();
    if (stoppedBy != null)
        throw stoppedBy;
    const {failure} = end;
    if (failure == null)
        return end.position < options.sizeBytes ? {position: end.position, retry: {code: "download.connectionClosedEarly", params: {}}} : {position: end.position};
    switch (failure.kind) {
        case "network":
            return {position: end.position, retry: failure.reason};
        case "status":
            if (failure.status >= 500 || failure.status === 429 || failure.status === 408)
                return {position: end.position, retry: {code: "download.serverBusy", params: {status: String(failure.status), statusText: failure.message}}};
            if (failure.status === 401 || failure.status === 403)
                throw new PonderError("download.refusedGated", {status: `${failure.status} ${failure.message}`});
            throw new PonderError("download.serverAnswered", {status: String(failure.status), statusText: failure.message, url: options.url});
        case "file":
            if (failure.code === "ENOSPC")
                throw new PonderError("download.diskFull", {keptBytes: end.position});
            throw new PonderError("download.cannotWrite", {reason: failure.message});
        case "refused":
            throw ponderErrorOf(failure.reason);
    }
}

async function assertRoom(options: DownloadFileOptions, bytesToWrite: number, keptBytes?: number) {
    const free = await options.freeSpace();
    if (free - options.reserveBytes >= bytesToWrite)
        return;
    throw keptBytes == null
        ? new PonderError("download.notEnoughDisk", {neededBytes: bytesToWrite + options.reserveBytes, freeBytes: free})
        : new PonderError("download.diskNearlyFull", {freeBytes: free, keptBytes});
}

async function sizeOf(filePath: string) {
    try {
        return (await stat(filePath)).size;
    } catch {
        return 0;
    }
}
