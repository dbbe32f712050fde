/**
 * THE contract between Ponder's main side (core + native, in Electron's main process or in
 * `serve`) and the renderer. Everything that crosses the process boundary is declared in a domain
 * module of contract/ (chats.ts, models.ts, tools.ts…): each request's argument schema (validated
 * on arrival by the main side) and result type, each event's payload type, and the values they
 * carry; contract/domains.ts joins the domains. This file builds the schemas with zod and derives
 * the types of the whole API. The names on the wire and the values both sides share are in
 * contract/values.ts.
 *
 * The renderer imports this file with `import type` only, so zod stays out of its bundle; the
 * preload and the renderer take names and the `PonderApi` builder from contract/values.ts.
 */
import {z} from "zod";
import {requestSchemaBuilders, type EventPayloads, type ResultsOfEveryDomain} from "./contract/domains.ts";

export * from "./contract/api.ts";
export * from "./contract/app.ts";
export * from "./contract/chats.ts";
export * from "./contract/documents.ts";
export * from "./contract/downloads.ts";
export * from "./contract/engines.ts";
export * from "./contract/hub.ts";
export * from "./contract/models.ts";
export * from "./contract/settings.ts";
export * from "./contract/stateCache.ts";
export * from "./contract/tools.ts";
export type {EventPayloads} from "./contract/domains.ts";

type RequestSchemaBuilder = typeof requestSchemaBuilders;

/** Zod schemas of every request's single argument, built once from the domains' builders. */
export const requestSchemas = (() => {
    const kit = {z, id: z.string().min(1).max(200)};
    return Object.fromEntries(Object.entries(requestSchemaBuilders).map(([name, build]) => [name, build(kit)])) as
        {[N in keyof RequestSchemaBuilder]: ReturnType<RequestSchemaBuilder[N]>};
})();

export type RequestName = keyof RequestSchemaBuilder;
export type RequestArgs<N extends RequestName> = z.infer<(typeof requestSchemas)[N]>;
/** Each request's result, from its domain; a request whose domain names no result doesn't compile. */
export type RequestResults = {[N in RequestName]: ResultsOfEveryDomain[N]};
export type EventName = keyof EventPayloads;

/** The main side's implementation of every request, after validation. */
export type RequestHandlers = {
    [N in RequestName]: (args: RequestArgs<N>) => Promise<RequestResults[N]>;
};

/** A request domain: the part of a name before the dot (`chats` of `chats.send`). */
export type RequestDomain = Domain<RequestName>;

/**
 * One domain's handlers by member name (`chats` → `{send, stop, …}`), the shape a core service
 * exposes for its domain; core/rpc/composeHandlers.ts joins them into {@link RequestHandlers}.
 */
export type DomainHandlers<D extends RequestDomain> = {
    [N in Extract<RequestName, `${D}.${string}`> as Member<N>]: (args: RequestArgs<N>) => Promise<RequestResults[N]>;
};

/** Every domain's handlers: one slot per request name, so the compiler refuses a missing one. */
export type HandlersByDomain = {[D in RequestDomain]: DomainHandlers<D>};

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

/** `window.ponderFiles`, which only the desktop app's preload exposes: where a File the page holds lives on disk. */
export interface PonderFiles {
    /** The file's absolute path; "" for one that has none (pasted data). */
    pathOf(file: File): string;
}
