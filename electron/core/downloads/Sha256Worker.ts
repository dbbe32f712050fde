import {Worker} from "node:worker_threads";

// CommonJS, evaluated: no separate file to find once the main process is bundled.
const workerSource = `
const {parentPort} = require("node:worker_threads");
const {createHash} = require("node:crypto");
const {openSync, readSync, closeSync} = require("node:fs");
const hash = createHash("sha256");
parentPort.on("message", (message) => {
    if (Array.isArray(message)) {
        let length = 0;
        for (const bytes of message) {
            hash.update(new Uint8Array(bytes));
            length += bytes.byteLength;
        }
        parentPort.postMessage({type: "hashed", length});
    } else if (message.type === "file") {
        const fd = openSync(message.path, "r");
        try {
            const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
            for (let position = 0; position < message.length;) {
                const read = readSync(fd, buffer, 0, Math.min(buffer.length, message.length - position), position);
                if (read === 0)
                    throw new Error("The partial download is shorter than expected.");
                hash.update(buffer.subarray(0, read));
                position += read;
            }
        } finally {
            closeSync(fd);
        }
    } else if (message.type === "digest") {
        parentPort.postMessage({type: "digest", hex: hash.digest("hex")});
    }
});
`;

const maxBacklogBytes = 16 * 2 ** 20;

/**
 * A sha256 computed on its own thread, so hashing a download doesn't slow receiving it: the
 * bytes are handed over (transferred, not copied) once they are on disk.
 */
export class Sha256Worker {
    readonly #worker = new Worker(workerSource, {eval: true});
    #failure: Error | undefined;
    /** Bytes handed over and not hashed yet. */
    #backlog = 0;
    #waiters: Array<() => void> = [];
    #digest: ((hex: string) => void) | undefined;

    constructor() {
        this.#worker.on("error", (error) => {
            this.#failure = error;
            this.#release();
        });
        this.#worker.on("message", (message: {type: "hashed"; length: number} | {type: "digest"; hex: string}) => {
            if (message.type === "digest") {
                this.#digest?.(message.hex);
                return;
            }
            this.#backlog -= message.length;
            if (this.#backlog <= maxBacklogBytes)
                this.#release();
        });
    }

    /**
     * Resolves once the hashing thread has caught up enough: a download from a link faster than
     * this machine hashes waits here rather than queueing gigabytes in memory.
     */
    async caughtUp(): Promise<void> {
        if (this.#backlog > maxBacklogBytes && this.#failure == null)
            await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }

    /** Hashes the first `length` bytes of a file (the part downloaded before a pause, restart or crash). */
    hashFile(filePath: string, length: number): void {
        this.#worker.postMessage({type: "file", path: filePath, length});
    }

    /** Takes ownership of the chunks: the caller must not use them afterwards. */
    update(chunks: readonly Uint8Array[]): void {
        // Only a chunk that owns its whole ArrayBuffer can be transferred; a pooled slice is copied out.
        const owned = chunks.map((bytes) => bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
            ? bytes.buffer
            : new Uint8Array(bytes).buffer as ArrayBuffer);
        this.#backlog += owned.reduce((total, bytes) => total + bytes.byteLength, 0);
        this.#worker.postMessage(owned, owned);
    }

    async digest(): Promise<string> {
        if (this.#failure != null)
            throw this.#failure;
        return new Promise((resolve, reject) => {
            this.#digest = resolve;
            this.#worker.once("error", reject);
            this.#worker.postMessage({type: "digest"});
        });
    }

    async close(): Promise<void> {
        await this.#worker.terminate();
        this.#release();
    }

    #release() {
        for (const resolve of this.#waiters.splice(0))
            resolve();
    }
}
