/**
 * The values both sides of the contract share, without zod: the names on the wire, the one
 * builder of `PonderApi` (the preload's `window.ponder` and the renderer's WebSocket bridge),
 * and constants the main side and the renderer must agree on. The renderer and the preload
 * import this file; the schemas and types are in ../contract.ts.
 */
import type {ChatSummary, EventName, EventPayloads, PonderApi, RequestName, Unsubscribe} from "../contract.ts";
import {domainEventNames, requestSchemaBuilders} from "./domains.ts";

/** Request names, for transports that must list them without loading zod. */
export const requestNames = Object.keys(requestSchemaBuilders) as RequestName[];

export const eventNames: readonly EventName[] = domainEventNames;

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
