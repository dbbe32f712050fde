/**
 * Errors as codes: every error Ponder shows a user is a {@link PonderError}, a code with typed
 * params, never an English sentence to be matched back. The UI says it in its language
 * ({@link describeError}); `/v1` and the log get the English rendering from the same table.
 * Zod-free: the renderer and native/ import this file too.
 */
import en from "./errors/en.json";
import zhCN from "./errors/zh-CN.json";

/** Each code and its params. Params ending in `Bytes` are sizes, other numbers are counts; both are formatted for the language. */
export interface ErrorParams {
    "app.desktopOnly": Record<string, never>;
    "request.invalid": {request: string; field: string; problem: string};
    "chat.gone": Record<string, never>;
    "settings.loadOptionsPerModel": Record<string, never>;
    "library.nothingAtPath": {path: string};
    "library.notAllowedToRead": {path: string};
    "library.couldNotRead": {path: string; reason: string};
    "library.folderWithoutModels": Record<string, never>;
    "library.ggufOnly": Record<string, never>;
    "library.modelFileGone": Record<string, never>;
    "model.tooLarge": {neededBytes: number; availableBytes: number};
    "model.notGguf": Record<string, never>;
    "model.headerDamaged": {reason: string};
    "model.noArchitecture": Record<string, never>;
    "model.truncated": Record<string, never>;
    "model.llamaCouldNotLoad": {file: string; reason: string};
    "model.draftVocabularyMismatch": {draft: string; model: string; reason: string};
    "model.draftGone": {draft: string};
    "reply.lastMessageTooLong": {tokens: number; contextSize: number};
    "reply.conversationTooLong": {tokens: number; contextSize: number};
    "reply.contextFull": {contextSize: number};
    "documents.needEmbeddingModel": {model: string};
    "documents.embeddingModelFailed": {reason: string};
    "model.tokenizerFailed": {reason: string};
    "model.splitInconsistent": {part: number; parts: number};
    "download.notEnoughDisk": {neededBytes: number; freeBytes: number};
    "download.diskFull": {keptBytes: number};
    "download.diskNearlyFull": {freeBytes: number; keptBytes: number};
}

export type ErrorCode = keyof ErrorParams;

/** A Ponder error as it crosses a process boundary (IPC, the WebSocket): plain data. */
export type PonderErrorData = {[C in ErrorCode]: {code: C; params: ErrorParams[C]}}[ErrorCode];

export type ErrorLanguage = "en" | "zh-CN";

/**
 * Every code's message in every UI language. `satisfies` makes a missing translation a compile
 * error; test/unit/renderer/errorMessages.test.ts checks that no table has extra codes and that
 * each message fills in exactly its code's params.
 */
export const errorMessages = {en, "zh-CN": zhCN} satisfies Record<ErrorLanguage, Record<ErrorCode, string>>;

/** An error the user sees, with its code and params; its `message` is the English rendering (logs, `/v1`). */
export class PonderError<C extends ErrorCode = ErrorCode> extends Error {
    override readonly name: string = "PonderError";
    readonly code: C;
    readonly params: ErrorParams[C];

    constructor(code: C, ...[params, options]: ErrorParams[C] extends Record<string, never> ? [params?: ErrorParams[C], options?: ErrorOptions] : [params: ErrorParams[C], options?: ErrorOptions]) {
        const data = {code, params: params ?? {}} as PonderErrorData;
        super(describeError(data, "en"), options);
        this.code = code;
        this.params = data.params as ErrorParams[C];
    }

    /** What crosses the wire: the code and params, and the English message for clients that only read text. */
    toData(): PonderErrorData & {name: "PonderError"; message: string} {
        return {name: "PonderError", code: this.code, params: this.params, message: this.message} as PonderErrorData & {name: "PonderError"; message: string};
    }
}

/** Whether a value (a rejection from the other side of a transport) carries a known code. */
export function isPonderErrorData(value: unknown): value is PonderErrorData {
    return typeof value === "object" && value != null &&
        typeof (value as {code?: unknown}).code === "string" && Object.hasOwn(errorMessages.en, (value as {code: string}).code) &&
        typeof (value as {params?: unknown}).params === "object" && (value as {params?: unknown}).params != null;
}

/** The message of a coded error in a language, its sizes and counts formatted for that language. */
export function describeError(error: PonderErrorData, language: ErrorLanguage): string {
    const params = error.params as Record<string, unknown>;
    return errorMessages[language][error.code].replace(/\{\{(\w+)\}\}/g, (_placeholder, name: string) => formatParam(name, params[name], language));
}

function formatParam(name: string, value: unknown, language: ErrorLanguage): string {
    if (typeof value !== "number")
        return String(value);
    return name.endsWith("Bytes") ? formatBytes(value, language) : new Intl.NumberFormat(language).format(value);
}

const byteUnits = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte"] as const;

/** "20.1 GB", in decimal units as model hubs show sizes, formatted for `language`. */
export function formatBytes(bytes: number, language: string): string {
    let value = bytes;
    let unit = 0;
    while (value >= 1000 && unit < byteUnits.length - 1) {
        value /= 1000;
        unit++;
    }
    return new Intl.NumberFormat(language, {
        style: "unit",
        unit: byteUnits[unit],
        // "30 byte" reads oddly; "30B" doesn't.
        unitDisplay: unit === 0 ? "narrow" : "short",
        maximumFractionDigits: value < 10 && unit > 0 ? 1 : 0
    }).format(value);
}
