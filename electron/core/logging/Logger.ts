import {inspect} from "node:util";

export type LogLevel = "debug" | "info" | "warn" | "error";

const levelRank: Record<LogLevel, number> = {debug: 0, info: 1, warn: 2, error: 3};

/**
 * What a log line may carry besides its message: ids, counts, names, and for failures the error
 * itself as `cause` (its stack and its own causes are written out). Never the text of a message,
 * a prompt or a document at info level or above: a log is something users send us.
 */
export interface LogFields {
    cause?: unknown;
    [field: string]: unknown;
}

/** Where formatted lines go: a rotating file in the data folder, or memory in a test. */
export interface LogSink {
    write(line: string): void;
    /** The last lines written, oldest first, for a bug report. */
    tail(lines: number): string[];
}

/** The core's log. Services get a {@link Logger.scoped} copy, so each line says where it came from. */
export class Logger {
    readonly #sink: LogSink;
    readonly #minimum: LogLevel;
    readonly #scope: string;

    constructor(sink: LogSink, minimum: LogLevel = "info", scope = "core") {
        this.#sink = sink;
        this.#minimum = minimum;
        this.#scope = scope;
    }

    /** A logger that discards everything (a component built without one). */
    static silent(): Logger {
        return new Logger({write: () => undefined, tail: () => []}, "error");
    }

    scoped(scope: string): Logger {
        return new Logger(this.#sink, this.#minimum, scope);
    }

    debug(message: string, fields?: LogFields): void {
        this.#write("debug", message, fields);
    }

    info(message: string, fields?: LogFields): void {
        this.#write("info", message, fields);
    }

    warn(message: string, fields?: LogFields): void {
        this.#write("warn", message, fields);
    }

    error(message: string, fields?: LogFields): void {
        this.#write("error", message, fields);
    }

    tail(lines: number): string[] {
        return this.#sink.tail(lines);
    }

    #write(level: LogLevel, message: string, fields: LogFields = {}) {
        if (levelRank[level] < levelRank[this.#minimum])
            return;
        const {cause, ...rest} = fields;
        const values = Object.entries(rest)
            .filter(([, value]) => value !== undefined)
            .map(([name, value]) => `${name}=${typeof value === "string" ? JSON.stringify(value) : inspect(value, {breakLength: Infinity, depth: 2})}`);
        let line = [new Date().toISOString(), level.toUpperCase().padEnd(5), `[${this.#scope}]`, message, ...values].join(" ");
        if (cause !== undefined)
            line += "\n" + describeCause(cause).replace(/^/gm, "    ");
        this.#sink.write(line);
    }
}

/** An error's stack and its chain of causes; anything else as inspected. */
function describeCause(cause: unknown): string {
    // inspect writes an Error's stack, its `cause` chain and its own fields (code, errno, path).
    return inspect(cause, {depth: 4, breakLength: 120});
}

/** Keeps lines in memory: for tests, and for a core started without a data folder to write in. */
export class MemoryLogSink implements LogSink {
    readonly lines: string[] = [];

    write(line: string): void {
        this.lines.push(...line.split("\n"));
    }

    tail(lines: number): string[] {
        return this.lines.slice(-lines);
    }
}
