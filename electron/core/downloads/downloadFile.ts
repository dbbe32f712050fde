import {open, rm, stat, truncate, type FileHandle} from "node:fs/promises";
import {setTimeout as sleep} from "node:timers/promises";
import {Sha256Worker} from "./Sha256Worker.ts";

export interface DownloadFileOptions {
    url: string;
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
export class DiskFullError extends Error {
    override readonly name = "DiskFullError";
}

/** The bytes are not what the hub published; they have been deleted. */
export class IntegrityError extends Error {
    override readonly name = "IntegrityError";
}

/** An answer or failure that retrying won't fix (404, 403, a server without range support for a big file…). */
export class DownloadFailedError extends Error {
    override readonly name = "DownloadFailedError";
}

class RetryableError extends Error {}

const freeSpaceCheckMs = 250;
/** Chunks are gathered into writes of this size: fewer, larger writes keep up with a fast link. */
const batchBytes = 4 * 2 ** 20;
const batchMs = 100;
/** Writes of consecutive batches in flight at once, so a slow disk write doesn't stall receiving. */
const writesInFlight = 2;
const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

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
    const hash = options.sha256 == null ? null : new Sha256Worker();
    try {
        // Resuming: the bytes already on disk are hashed again, since a hash's state can't be saved across a crash.
        if (onDisk > 0)
            hash?.hashFile(partPath, onDisk);
        options.onProgress(onDisk);
        await receive(options, onDisk, hash);
        if (hash != null) {
            const actual = await hash.digest();
            if (actual !== options.sha256) {
                await rm(partPath, {force: true});
                throw new IntegrityError(`The downloaded file is corrupt: its sha256 is ${actual}, the hub publishes ${options.sha256}. It was deleted; download it again.`);
            }
        }
    } finally {
        await hash?.close();
    }
}

/** Fetches until the file is complete, retrying network failures with backoff. */
async function receive(options: DownloadFileOptions, start: number, hash: Sha256Worker | null) {
    const {partPath, sizeBytes, signal} = options;
    let onDisk = start;

    let attempt = 0;
    while (onDisk < sizeBytes) {
        signal.throwIfAborted();
        const before = onDisk;
        try {
            onDisk = await fetchRest(options, onDisk, hash);
        } catch (error) {
            signal.throwIfAborted();
            onDisk = await sizeOf(partPath);
            if (!(error instanceof RetryableError) && !isNetworkError(error))
                throw error;
            attempt = onDisk > before ? 1 : attempt + 1;
            if (attempt > options.retries)
                throw new DownloadFailedError(`The download failed ${options.retries + 1} times in a row: ${(error as Error).message}`);
            await sleep(Math.min(30_000, options.backoffMs * 2 ** (attempt - 1)), undefined, {signal});
        }
    }
}

/** Requests the bytes from `start` on and appends them; returns the bytes on disk afterwards. */
async function fetchRest(options: DownloadFileOptions, start: number, hash: Sha256Worker | null): Promise<number> {
    const response = await fetch(options.url, {
        headers: start > 0 ? {range: `bytes=${start}-`} : {},
        signal: options.signal
    });
    if (response.status >= 500 || response.status === 429 || response.status === 408) {
        await response.body?.cancel();
        throw new RetryableError(`the server answered ${response.status} ${response.statusText}`);
    }
    if (start > 0 && response.status === 200)
        throw new DownloadFailedError("The server does not support resuming downloads (no range requests).");
    if (!response.ok || response.body == null)
        throw new DownloadFailedError(`The server answered ${response.status} ${response.statusText} for ${options.url}.`);

    const file = await open(options.partPath, start > 0 ? "r+" : "w");
    const sink = new FileSink(file, start, hash, options);
    const reader = response.body.getReader();
    try {
        for (;;) {
            const {done, value} = await reader.read();
            if (done)
                break;
            await sink.add(value);
        }
        await sink.flush();
    } catch (error) {
        // The bytes received so far are good: they go to disk (and the hash) before anything else happens.
        await sink.flush().catch(() => undefined);
        // A later batch may have landed after an earlier one failed: only the unbroken, hashed prefix stays.
        await file.truncate(sink.position).catch(() => undefined);
        await reader.cancel().catch(() => undefined);
        if ((error as NodeJS.ErrnoException).code === "ENOSPC")
            throw new DiskFullError(`The disk is full. The ${gib(sink.position)} downloaded so far are kept; free some space, then press Resume.`);
        throw error;
    } finally {
        await file.close();
    }
    if (sink.position < options.sizeBytes)
        throw new RetryableError("the connection closed before the end of the file");
    return sink.position;
}

/**
 * Gathers the arriving chunks into large writes, with a couple in flight while the next batch
 * arrives. A batch goes to the hash only once it is on disk, so after any failure the hash
 * covers exactly the bytes on disk and the next attempt continues both.
 */
class FileSink {
    /** Bytes on disk. */
    position: number;
    readonly #file: FileHandle;
    readonly #hash: Sha256Worker | null;
    readonly #options: DownloadFileOptions;
    #batch: Uint8Array[] = [];
    #batchBytes = 0;
    #batchStarted = 0;
    /** Writes in flight, oldest first; each settles only after those before it, so the hash sees the bytes in order. */
    #writing: Array<Promise<void>> = [];
    #lastSpaceCheck = Date.now();
    /** Where the next batch goes: after every write queued. */
    #queuedEnd: number;

    constructor(file: FileHandle, start: number, hash: Sha256Worker | null, options: DownloadFileOptions) {
        this.#file = file;
        this.position = start;
        this.#queuedEnd = start;
        this.#hash = hash;
        this.#options = options;
    }

    async add(chunk: Uint8Array) {
        if (this.#batchBytes === 0)
            this.#batchStarted = Date.now();
        this.#batch.push(chunk);
        this.#batchBytes += chunk.length;
        // On a slow link the batch goes out after a while anyway, so progress shows and a pause loses nothing.
        if (this.#batchBytes >= batchBytes || Date.now() - this.#batchStarted >= batchMs)
            await this.#startWrite();
    }

    async flush() {
        if (this.#batchBytes > 0)
            await this.#startWrite();
        await Promise.all(this.#writing);
    }

    async #startWrite() {
        if (this.#writing.length >= writesInFlight)
            await this.#writing.shift();
        await this.#hash?.caughtUp();
        const chunks = this.#batch;
        const length = this.#batchBytes;
        this.#batch = [];
        this.#batchBytes = 0;
        const position = this.#queuedEnd;
        if (position + length > this.#options.sizeBytes)
            throw new DownloadFailedError("The server sent more bytes than the file has.");
        if (Date.now() - this.#lastSpaceCheck >= freeSpaceCheckMs) {
            this.#lastSpaceCheck = Date.now();
            await assertRoom(this.#options, length, position);
        }
        this.#queuedEnd = position + length;
        const previous = this.#writing.at(-1);
        const written = writeAll(this.#file, chunks, length, position);
        // Positional writes may finish in any order; the bytes count (and are hashed) in file order.
        const settled = Promise.all([previous, written]).then(() => {
            this.position = position + length;
            this.#hash?.update(chunks);
            this.#options.onProgress(this.position);
        });
        // Awaited later (next batch, flush); marked handled now so a failure while reading isn't an unhandled rejection.
        settled.catch(() => undefined);
        this.#writing.push(settled);
    }
}

/** One vectored write of the chunks as they arrived (no copy), continued if the OS writes less. */
async function writeAll(file: FileHandle, chunks: Uint8Array[], length: number, position: number) {
    let {bytesWritten} = await file.writev(chunks, position);
    if (bytesWritten < length) {
        const rest = Buffer.concat(chunks, length).subarray(bytesWritten);
        for (let offset = 0; offset < rest.length; offset += bytesWritten)
            ({bytesWritten} = await file.write(rest, offset, rest.length - offset, position + length - rest.length + offset));
    }
}

async function assertRoom(options: DownloadFileOptions, bytesToWrite: number, keptBytes?: number) {
    const free = await options.freeSpace();
    if (free - options.reserveBytes >= bytesToWrite)
        return;
    const kept = keptBytes == null ? "" : ` The ${gib(keptBytes)} downloaded so far are kept.`;
    throw new DiskFullError(keptBytes == null
        ? `Not enough disk space: ${gib(bytesToWrite + options.reserveBytes)} needed, ${gib(free)} free. Free some space, then press Resume.`
        : `The disk is nearly full (${gib(free)} free).${kept} Free some space, then press Resume.`);
}

async function sizeOf(filePath: string) {
    try {
        return (await stat(filePath)).size;
    } catch {
        return 0;
    }
}

/** fetch and stream failures from the network (reset, refused, closed early), as opposed to our own errors. */
function isNetworkError(error: unknown) {
    if (error instanceof TypeError)
        return true;
    const code = (error as {code?: string; cause?: {code?: string}}).cause?.code ?? (error as {code?: string}).code;
    return code != null && /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|UND_ERR_.*|ERR_STREAM_PREMATURE_CLOSE)$/.test(code);
}
