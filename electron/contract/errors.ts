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
    "settings.presetGone": Record<string, never>;
    "settings.presetNameTaken": {name: string};
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
    "model.draftOnRecurrent": {model: string};
    "reply.lastMessageTooLong": {tokens: number; contextSize: number};
    "reply.conversationTooLong": {tokens: number; contextSize: number};
    "reply.contextFull": {contextSize: number};
    "documents.needEmbeddingModel": {model: string};
    "documents.embeddingModelFailed": {reason: string};
    "attachment.tooLarge": {name: string; sizeBytes: number; maxBytes: number};
    "attachment.image": {name: string; format: string};
    "attachment.zipNamedPdf": {name: string};
    "attachment.notPdf": {name: string};
    "attachment.archive": {name: string};
    "attachment.notDocx": {name: string};
    "attachment.oldWordFormat": {name: string};
    "attachment.passwordProtected": {name: string};
    "attachment.damagedPdf": {name: string; reason: string};
    "attachment.scanned": {name: string; pages: number};
    "attachment.damagedDocx": {name: string; reason: string};
    "attachment.unknownEncoding": {name: string; encoding: string};
    "attachment.binary": {name: string};
    "attachment.uploadOutOfPlace": {name: string};
    "attachment.uploadStoppedEarly": {name: string; receivedBytes: number; sizeBytes: number};
    "attachment.uploadEnded": Record<string, never>;
    "attachment.noLongerStored": {name: string};
    "attachment.disappeared": {name: string};
    "attachment.changedWhileRead": {name: string};
    "attachment.isFolder": {name: string};
    "attachment.couldNotRead": {name: string; reason: string};
    "attachment.diskFull": {name: string};
    "attachment.couldNotStore": {name: string; reason: string};
    "chats.importNotJson": {name: string};
    "model.tokenizerFailed": {reason: string};
    "model.splitInconsistent": {part: number; parts: number};
    "download.notEnoughDisk": {neededBytes: number; freeBytes: number};
    "download.diskFull": {keptBytes: number};
    "download.diskNearlyFull": {freeBytes: number; keptBytes: number};
    "chat.editOwnOnly": Record<string, never>;
    "chat.continueCutOnly": Record<string, never>;
    "chat.messageNotRestorable": Record<string, never>;
    "chat.messageGone": Record<string, never>;
    "chat.exportEnded": Record<string, never>;
    "chat.importMessageMisplaced": {message: string; title: string};
    "chat.importLeafMissing": {title: string; message: string};
    "reply.loadModelFirst": Record<string, never>;
    "reply.stillAnswering": Record<string, never>;
    "reply.stopped": Record<string, never>;
    "reply.withdrawnWhileWaiting": Record<string, never>;
    "reply.unloadedBeforeStart": Record<string, never>;
    "engine.cantContinue": Record<string, never>;
    "engine.notOpenAi": {address: string};
    "engine.failed": {reason: Failure};
    "engine.answered": {address: string; status: string};
    "engine.answeredWith": {address: string; status: string; reason: string};
    "engine.notWebAddress": {address: string};
    "engine.failedWithoutReason": Record<string, never>;
    "engine.noKeychain": Record<string, never>;
    "engine.addressScheme": Record<string, never>;
    "net.unreachable": {host: string; reason: Failure};
    "download.unfinished": Record<string, never>;
    "download.gone": Record<string, never>;
    "download.shorterOnDisk": Record<string, never>;
    "download.hashingStopped": Record<string, never>;
    "download.corrupt": {actual: string; expected: string};
    "download.retriesExhausted": {count: number; reason: Failure};
    "download.serverAnswered": {status: string; statusText: string; url: string};
    "download.refusedGated": {status: string};
    "download.cannotWrite": {reason: Failure};
    "download.tooManyRedirects": Record<string, never>;
    "download.redirectRefused": {address: string};
    "download.tooManyBytes": Record<string, never>;
    "download.noRangeRequests": Record<string, never>;
    "download.connectionClosedEarly": Record<string, never>;
    "download.noDataFor": {seconds: number};
    "address.invalid": {address: string};
    "address.badRepoName": {repo: string};
    "address.noSuchFile": {repo: string; file: string};
    "address.noSuchQuantization": {repo: string; quantization: string};
    "address.unsafeFileName": {repo: string};
    "address.httpOnly": Record<string, never>;
    "address.partMissing": {part: number; count: number; file: string};
    "address.notGgufUrl": Record<string, never>;
    "address.noSize": {host: string; status: string; statusText: string};
    "hub.rateLimited": {host: string};
    "hub.gated": {repo: string; host: string};
    "hub.tokenRefused": {host: string};
    "hub.answered": {host: string; status: string; statusText: string; repo: string};
    "hub.keepsPaging": {host: string; repo: string; pages: number};
    "hub.noSearch": {host: string};
    "hub.repoMissing": {repo: string; host: string};
    "library.noFolderAtPath": {path: string};
    "store.newerDatabase": {schema: number; known: number};
    "tools.serverOff": {name: string};
    "tools.serverNotRunning": {name: string};
    "tools.callTimedOut": {tool: string; seconds: number};
    "tools.commandsRefused": Record<string, never>;
    "tools.serverUrlInvalid": {url: string};
    "tools.serverGone": Record<string, never>;
    "tools.jsonInvalid": {reason: string};
    "tools.jsonNoServers": Record<string, never>;
    "tools.jsonEntryInvalid": {name: string};
    "tools.serverStopped": Record<string, never>;
    "tools.serverHttpError": {status: string};
    "tools.serverStartTimedOut": {seconds: number};
    "tools.callNotWaiting": Record<string, never>;
    "tools.callsPastLimit": {limit: number};
    "tools.callLimit": {limit: number};
    "tools.callUnknown": {name: string};
    "tools.callNotJson": Record<string, never>;
    "tools.callNoName": Record<string, never>;
    "api.serveFixed": Record<string, never>;
    "api.unavailable": Record<string, never>;
    "api.portInUse": {port: string};
    "api.couldNotStart": {reason: string};
    "models.noFirstRunCandidates": Record<string, never>;
    "rpc.notRpcMessage": {reason: string};
    "model.kvCacheNeedsFlashAttention": {type: string};
    "model.kvCacheHeadSize": {type: string; size: number; block: number};
    "download.serverBusy": {status: string; statusText: string};
}


export type ErrorCode = keyof ErrorParams;

/** A Ponder error as it crosses a process boundary (IPC, the WebSocket): plain data. */
export type PonderErrorData = {[C in ErrorCode]: {code: C; params: ErrorParams[C]}}[ErrorCode];

export type ErrorLanguage = "en" | "zh-CN";

/**
 * Every code's message in every UI language. `satisfies` makes a missing translation a compile
 * error; test/unit/layers/errorCodes.test.ts checks that no table has extra codes and that
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

/** The error a coded failure's data stands for (a worker's report, a reason kept for later). */
export function ponderErrorOf(data: PonderErrorData, options?: ErrorOptions): PonderError {
    // The union of codes can't pick a constructor overload; `data` pairs each code with its params.
    return new (PonderError as new (code: ErrorCode, params: unknown, options?: ErrorOptions) => PonderError)(data.code, data.params, options);
}

/** Whether a value (a rejection from the other side of a transport) carries a known code. */
export function isPonderErrorData(value: unknown): value is PonderErrorData {
    return typeof value === "object" && value != null &&
        typeof (value as {code?: unknown}).code === "string" && Object.hasOwn(errorMessages.en, (value as {code: string}).code) &&
        typeof (value as {params?: unknown}).params === "object" && (value as {params?: unknown}).params != null;
}

/**
 * What went wrong, as a state keeps it and as a reason inside another error's message: a coded
 * error (translated), or the text of an error Ponder didn't word (an OS error, a server's own
 * words), shown as it came.
 */
export type Failure = PonderErrorData | string;

/** An error (thrown here, or a rejection from the other side of a transport) as a {@link Failure}: its code and params when it has them, else its text. */
export function failureOf(error: unknown): Failure {
    if (isPonderErrorData(error))
        return {code: error.code, params: error.params} as PonderErrorData;
    return error instanceof Error && error.message !== "" ? error.message : String(error);
}

/** A failure in a language: a coded error's message, or an error's own words as they came. */
export function describeFailure(failure: Failure, language: ErrorLanguage): string {
    return typeof failure === "string" ? failure : describeError(failure, language);
}

/** The message of a coded error in a language, its sizes and counts formatted for that language. */
export function describeError(error: PonderErrorData, language: ErrorLanguage): string {
    const params = error.params as Record<string, unknown>;
    return errorMessages[language][error.code].replace(/\{\{(\w+)\}\}/g, (_placeholder, name: string) => formatParam(name, params[name], language));
}

function formatParam(name: string, value: unknown, language: ErrorLanguage): string {
    if (isPonderErrorData(value))
        return describeError(value, language);
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
    const parts = new Intl.NumberFormat(language, {
        style: "unit",
        // Bytes are written like kilobytes ("0 B" beside "2 kB"): the language's own byte unit is
        // "byte" in short form and unspaced ("0B") in narrow form.
        unit: byteUnits[Math.max(unit, 1)],
        unitDisplay: "short",
        maximumFractionDigits: value < 10 && unit > 0 ? 1 : 0
    }).formatToParts(value);
    return parts.map((part) => unit === 0 && part.type === "unit" ? "B" : part.value).join("");
}
