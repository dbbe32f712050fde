import {requestNames} from "../../contract/values.ts";
import type {HandlersByDomain, RequestDomain, RequestHandlers, RequestName} from "../../contract.ts";

type AnyHandler = (args: never) => Promise<unknown>;

/**
 * Joins the handlers each service exposes for its domain (`{chats: {send, …}, models: {load, …}}`)
 * into the flat table the transports call (`"chats.send"`). `HandlersByDomain` gives every
 * request name exactly one slot: a missing handler, or one no request names, doesn't compile.
 */
export function composeHandlers(byDomain: HandlersByDomain): RequestHandlers {
    // No prototype, like the RPC table: a name outside the contract finds nothing.
    const table: Partial<Record<RequestName, AnyHandler>> = Object.create(null);
    for (const name of requestNames) {
        const dot = name.indexOf(".");
        const domain = byDomain[name.slice(0, dot) as RequestDomain] as Record<string, AnyHandler>;
        table[name] = domain[name.slice(dot + 1)];
    }
    // The loop fills exactly the names HandlersByDomain's mapped types derive from the same union.
    return table as RequestHandlers;
}
