import {appendFileSync, mkdirSync, readFileSync, renameSync, rmSync, statSync} from "node:fs";
import path from "node:path";
import type {LogSink} from "./Logger.ts";

export interface RotatingLogFileOptions {
    /** The file is rotated once it reaches this size. Defaults to 2 MiB. */
    maxBytes?: number;
    /** Older files kept (`ponder.1.log` is the newest). Defaults to 2. */
    keep?: number;
}

/**
 * `ponder.log` in the logs folder, written line by line as they come (a crash loses nothing
 * already logged), renamed to `ponder.1.log` when it grows past the limit, and so on.
 */
export class RotatingLogFile implements LogSink {
    readonly folder: string;
    readonly filePath: string;
    readonly #maxBytes: number;
    readonly #keep: number;
    #bytes: number;

    constructor(folder: string, options: RotatingLogFileOptions = {}) {
        this.folder = path.resolve(folder);
        this.filePath = path.join(this.folder, "ponder.log");
        this.#maxBytes = options.maxBytes ?? 2 * 1024 * 1024;
        this.#keep = options.keep ?? 2;
        mkdirSync(this.folder, {recursive: true});
        this.#bytes = sizeOf(this.filePath);
    }

    write(line: string): void {
        const text = line + "\n";
        try {
            if (this.#bytes > 0 && this.#bytes + Buffer.byteLength(text) > this.#maxBytes)
                this.#rotate();
            appendFileSync(this.filePath, text);
            this.#bytes += Buffer.byteLength(text);
        } catch {
            // A log that can't be written (a full disk, a folder made read-only) must never stop the app.
        }
    }

    tail(lines: number): string[] {
        const read = (file: string) => {
            try {
                return readFileSync(file, "utf8").split("\n").filter((line) => line !== "");
            } catch {
                return [];
            }
        };
        const current = read(this.filePath);
        const all = current.length >= lines ? current : [...read(this.#rotated(1)), ...current];
        return all.slice(-lines);
    }

    #rotate() {
        rmSync(this.#rotated(this.#keep), {force: true});
        for (let index = this.#keep - 1; index >= 1; index--)
            renameIfThere(this.#rotated(index), this.#rotated(index + 1));
        renameIfThere(this.filePath, this.#rotated(1));
        this.#bytes = 0;
    }

    #rotated(index: number) {
        return path.join(this.folder, `ponder.${index}.log`);
    }
}

function sizeOf(file: string): number {
    try {
        return statSync(file).size;
    } catch {
        return 0;
    }
}

function renameIfThere(from: string, to: string) {
    try {
        renameSync(from, to);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT")
            throw error;
    }
}
