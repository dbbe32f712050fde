/**
 * THE contract between Ponder's main side (core + native, in Electron's main process or in
 * `serve`) and the renderer. Everything that crosses the process boundary is declared here:
 * request argument schemas (validated on arrival by the main side), result and event payload
 * types, and the names used on the wire.
 *
 * The renderer imports this file with `import type` only; the preload imports only the name
 * lists, so zod stays out of both bundles' hot path.
 */
import {z} from "zod";

// ---------------------------------------------------------------------------------------------
// Request arguments: one object (or nothing) per request, validated by zod before the core runs.

/**
 * Zod schemas of every request's single argument. `z.undefined()` means "takes no argument".
 * Built in a pure function so that bundles that only need the name lists (the preload) drop zod.
 */
export const requestSchemas = /* @__PURE__ */ (() => {
    const id = z.string().min(1).max(200);
    return {
        "app.getInfo": z.undefined(),
        "models.list": z.undefined(),
        "models.load": z.strictObject({modelId: id}),
        "models.unload": z.undefined(),
        "models.getState": z.undefined(),
        "chats.list": z.undefined(),
        "chats.get": z.strictObject({chatId: id}),
        "chats.create": z.undefined(),
        "chats.send": z.strictObject({
            /** Omitted: start a new chat with this message. */
            chatId: id.optional(),
            text: z.string().trim().min(1).max(200_000)
        }),
        "chats.stop": z.strictObject({chatId: id})
    } as const;
})();

export type RequestName = keyof typeof requestSchemas;
export type RequestArgs<N extends RequestName> = z.infer<(typeof requestSchemas)[N]>;

// ---------------------------------------------------------------------------------------------
// Values that cross the boundary.

export type Backend = "metal" | "cuda" | "vulkan" | "cpu";

export interface AppInfo {
    version: string;
    /** `desktop` inside Electron, `headless` for `npm run serve`. */
    shell: "desktop" | "headless";
    platform: string;
    arch: string;
    modelsDir: string;
    dataDir: string;
}

export interface ModelFile {
    /** The file's path relative to the models folder; stable across restarts. */
    id: string;
    fileName: string;
    sizeBytes: number;
    /** Present when the GGUF header was read. */
    metadata?: ModelMetadata;
    /** Why the file can't be used (not a GGUF, truncated, broken metadata). */
    error?: string;
}

export interface ModelMetadata {
    name: string;
    architecture: string;
    /** e.g. "Q4_K_M", from `general.file_type`. */
    quantization: string;
    parameterCount?: number;
    contextLength?: number;
}

export type RuntimeStatus = "empty" | "loading" | "ready" | "error";

export interface RuntimeState {
    status: RuntimeStatus;
    /** The model loaded, loading, or that failed to load. */
    modelId?: string;
    /** The compute backend llama.cpp runs on; known once the runtime starts. */
    backend?: Backend;
    /** Whether the model's chat template makes it reason before answering. */
    thinks?: boolean;
    chatWrapper?: string;
    contextSize?: number;
    error?: string;
}

export interface ChatSummary {
    id: string;
    title: string;
    createdAt: number;
    updatedAt: number;
}

export type MessageRole = "user" | "assistant";
/** `interrupted`: the app stopped (crash, quit) while the message streamed. */
export type MessageStatus = "streaming" | "done" | "stopped" | "error" | "interrupted";
export type StopReason = "finished" | "stopped" | "budget" | "length" | "error";

export interface MessageStats {
    modelId: string;
    timeToFirstTokenMs: number;
    tokensPerSecond: number;
    thinkingMs: number;
    thoughtTokens: number;
    answerTokens: number;
    stopReason: StopReason;
}

export interface Message {
    id: string;
    chatId: string;
    parentId: string | null;
    role: MessageRole;
    /** The answer (assistant) or the prompt (user); never contains reasoning or think tags. */
    text: string;
    reasoning: string;
    status: MessageStatus;
    createdAt: number;
    /** When the reasoning began and ended (epoch ms); null until known. */
    thinkingStartedAt: number | null;
    thinkingEndedAt: number | null;
    stats: MessageStats | null;
    error: string | null;
}

export interface Chat {
    summary: ChatSummary;
    /** The active branch, oldest first. */
    messages: Message[];
}

export interface SendResult {
    chatId: string;
    userMessage: Message;
    assistantMessage: Message;
}

// ---------------------------------------------------------------------------------------------
// Events: pushed from the main side.

/** Text appended to a streaming message since the previous delta (batched, ≤ 1 per 33 ms). */
export interface ChatDelta {
    chatId: string;
    messageId: string;
    reasoning: string;
    text: string;
    thinkingStartedAt: number | null;
    thinkingEndedAt: number | null;
}

export interface EventPayloads {
    "models.stateChanged": RuntimeState;
    "models.listChanged": ModelFile[];
    "chats.listChanged": ChatSummary[];
    "chats.delta": ChatDelta;
    /** A message's full state after a change of status (started, finished, stopped, failed). */
    "chats.messageUpdated": Message;
}
export type EventName = keyof EventPayloads;

// ---------------------------------------------------------------------------------------------
// The API: results per request, and the shape both sides build from the names.

export interface RequestResults {
    "app.getInfo": AppInfo;
    "models.list": ModelFile[];
    "models.load": RuntimeState;
    "models.unload": RuntimeState;
    "models.getState": RuntimeState;
    "chats.list": ChatSummary[];
    "chats.get": Chat;
    "chats.create": ChatSummary;
    "chats.send": SendResult;
    "chats.stop": void;
}

/** The main side's implementation of every request, after validation. */
export type RequestHandlers = {
    [N in RequestName]: (args: RequestArgs<N>) => Promise<RequestResults[N]>;
};

/** Wire functions of the main side: one per request name. Arguments are `unknown` until validated. */
export type MainFunctions = {
    [N in RequestName]: (args?: unknown) => Promise<RequestResults[N]>;
};

/** Wire functions of the renderer side: one per event name. */
export type RendererFunctions = {
    [E in EventName]: (payload: EventPayloads[E]) => void;
};

export type Unsubscribe = () => void;

type Domain<S extends string> = S extends `${infer D}.${string}` ? D : never;
type Member<S extends string> = S extends `${string}.${infer M}` ? M : never;
type ArgsOf<N extends RequestName> = RequestArgs<N> extends undefined ? [] : [args: RequestArgs<N>];
type EventMember<E extends string> = `on${Capitalize<Member<E>>}`;

/**
 * `window.ponder`: requests grouped by domain (`ponder.chats.send({text})`) and events as
 * `onX(listener)` returning an unsubscribe (`ponder.chats.onDelta(listener)`).
 */
export type PonderApi = {
    [D in Domain<RequestName | EventName>]:
        {[N in Extract<RequestName, `${D}.${string}`> as Member<N>]: (...args: ArgsOf<N>) => Promise<RequestResults[N]>} &
        {[E in Extract<EventName, `${D}.${string}`> as EventMember<E>]: (listener: (payload: EventPayloads[E]) => void) => Unsubscribe};
};

/** Checks at compile time that a name list holds every name of its union. */
function everyName<T extends string>() {
    return <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : never)): L => list;
}

/** Request names, for transports that must list them without loading zod. */
export const requestNames = everyName<RequestName>()([
    "app.getInfo",
    "models.list", "models.load", "models.unload", "models.getState",
    "chats.list", "chats.get", "chats.create", "chats.send", "chats.stop"
]);

export const eventNames = everyName<EventName>()([
    "models.stateChanged", "models.listChanged",
    "chats.listChanged", "chats.delta", "chats.messageUpdated"
]);

/** `chats.delta` → `onDelta`: the member name an event has on `PonderApi`. */
export function eventMemberName(event: EventName): string {
    const member = event.slice(event.indexOf(".") + 1);
    return "on" + member.charAt(0).toUpperCase() + member.slice(1);
}

/** Electron IPC channel carrying birpc messages; the only channel Ponder uses. */
export const ipcChannel = "ponder:rpc";
