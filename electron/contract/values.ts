/**
 * The values both sides of the contract share, without zod: the names on the wire, the one
 * builder of `PonderApi` (the preload's `window.ponder` and the renderer's WebSocket bridge),
 * and constants the main side and the renderer must agree on. The renderer and the preload
 * import this file; the schemas and types are in ../contract.ts.
 */
import type {ChatSummary, EventName, EventPayloads, PonderApi, RequestName, Unsubscribe} from "../contract.ts";

/** Checks at compile time that a name list holds every name of its union. */
function everyName<T extends string>() {
    return <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : never)): L => list;
}

/** Request names, for transports that must list them without loading zod. */
export const requestNames = everyName<RequestName>()([
    "app.getInfo", "app.getSystem", "app.getLogs", "app.openLogsFolder",
    "models.list", "models.load", "models.unload", "models.getState",
    "models.delete", "models.import", "models.importPicked", "models.reveal", "models.openFolder", "models.changeFolder", "models.estimateFit", "catalog.list", "catalog.recommend",
    "hub.search", "hub.repository", "hub.getSettings", "hub.setToken",
    "downloads.list", "downloads.add", "downloads.pause", "downloads.resume", "downloads.cancel",
    "chats.list", "chats.get", "chats.create", "chats.send", "chats.stop", "chats.answerNow", "chats.answerToolCall",
    "attachments.begin", "attachments.write", "attachments.finish",
    "chats.update", "chats.delete", "chats.restore", "chats.search", "chats.showMessage",
    "chats.edit", "chats.regenerate", "chats.continue", "chats.deleteMessage", "chats.restoreMessage", "chats.export", "chats.readExport", "chats.import",
    "settings.get", "settings.update", "settings.listPresets", "settings.savePreset", "settings.renamePreset", "settings.deletePreset", "settings.applyPreset",
    "engines.list", "engines.add", "engines.remove",
    "api.getState", "api.configure", "api.rotateKey",
    "stateCache.get", "stateCache.configure", "stateCache.clear",
    "tools.list", "tools.addServer", "tools.importServers", "tools.updateServer", "tools.restartServer",
    "tools.removeServer", "tools.updateTool", "tools.configure"
]);

export const eventNames = everyName<EventName>()([
    "models.stateChanged", "models.listChanged", "downloads.changed",
    "chats.listChanged", "chats.delta", "chats.messageUpdated", "chats.toolCall", "chats.sources",
    "engines.listChanged", "api.stateChanged", "tools.changed"
]);

/** `chats.delta` → `onDelta`: the member name an event has on `PonderApi`. */
function eventMemberName(event: EventName): string {
    const member = event.slice(event.indexOf(".") + 1);
    return "on" + member.charAt(0).toUpperCase() + member.slice(1);
}

/** Electron IPC channel carrying birpc messages; the only channel Ponder uses. */
export const ipcChannel = "ponder:rpc";

export type EventListener<E extends EventName> = (payload: EventPayloads[E]) => void;

/**
 * Builds `PonderApi`'s nested shape (`api.chats.send(args)`, `api.chats.onDelta(listener)`) over
 * two flat functions: a transport's request and its event subscription.
 */
export function buildPonderApi(
    request: (name: RequestName, args: unknown) => Promise<unknown>,
    subscribe: <E extends EventName>(event: E, listener: EventListener<E>) => Unsubscribe
): PonderApi {
    const api: Record<string, Record<string, unknown>> = {};
    const domainOf = (name: string) => (api[name.slice(0, name.indexOf("."))] ??= {});

    for (const name of requestNames)
        domainOf(name)[name.slice(name.indexOf(".") + 1)] = (args?: unknown) => request(name, args);

    for (const event of eventNames)
        domainOf(event)[eventMemberName(event)] = (listener: EventListener<typeof event>) => subscribe(event, listener);

    // The loops above fill exactly the members PonderApi's mapped type derives from the same names.
    return api as PonderApi;
}

/** Chats in a page of the conversation list when a request doesn't say: more than a sidebar shows at once. */
export const chatPageSize = 50;

/**
 * The conversation list's order: pinned first, then by last activity, ties by id, each
 * descending. The database sorts and pages by it (ChatRepository); the renderer places changed
 * chats by {@link compareChats}.
 */
export const chatListOrder = ["pinned", "updatedAt", "id"] as const satisfies ReadonlyArray<keyof ChatSummary>;

/** Sorts chats in {@link chatListOrder}. */
export function compareChats(a: ChatSummary, b: ChatSummary): number {
    for (const field of chatListOrder) {
        const x = a[field];
        const y = b[field];
        if (x !== y)
            return x < y ? 1 : -1;
    }
    return 0;
}

/** The language lock's choices (a generation setting), in the order the settings panel offers them. */
export const languageLocks = ["off", "match", "english", "chinese"] as const;

/** How a model's KV cache stores keys and values (native/kvCache says what each means to llama.cpp). */
export const kvCacheTypes = ["f16", "q8_0", "q4_0"] as const;
/** The model families with a preset of their own (published recommendations), and "other" (llama.cpp's defaults). */
export const modelFamilies = ["qwq", "deepseekR1Distill", "qwen3", "other"] as const;
