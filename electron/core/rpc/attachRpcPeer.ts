import {createBirpc, type ChannelOptions} from "birpc";
import {requestNames} from "../../contract/values.ts";
import {requestSchemas, type MainFunctions, type RendererFunctions, type RequestHandlers, type RequestName} from "../../contract.ts";
import type {EventBus} from "../events/EventBus.ts";
import type {Logger} from "../logging/Logger.ts";

export interface RpcPeerSource {
    handlers: RequestHandlers;
    events: EventBus;
    /** Refused and failed requests are logged here, and what a transport drops. */
    logger: Logger;
}

/** Rejected input: the message names the request and the first problem, never internals. */
export class InvalidRequestError extends Error {
    override readonly name = "InvalidRequestError";
}

/**
 * Serves the contract to one connected renderer over any birpc channel (Electron IPC, a
 * WebSocket, an in-memory pair): every argument is validated against the contract's schema
 * before the core sees it, and the core's events are forwarded until the peer is detached.
 */
export function attachRpcPeer(source: RpcPeerSource, channel: ChannelOptions): () => void {
    const rpc = createBirpc<RendererFunctions, MainFunctions>(validatedFunctions(source.handlers, source.logger), {
        ...channel,
        // Long prompts on a big model take a while; a reply is never given up on by time alone.
        timeout: -1
    });
    const unsubscribe = source.events.on((event, payload) => {
        // A peer that went away mid-send is detached by its transport; the event is simply dropped.
        void rpc.$callRaw({method: event, args: [payload], event: true}).catch(() => undefined);
    });
    return () => {
        unsubscribe();
        rpc.$close();
    };
}

function validatedFunctions(handlers: RequestHandlers, logger: Logger): MainFunctions {
    const functions: Partial<Record<RequestName, (args?: unknown) => Promise<unknown>>> = {};
    for (const name of requestNames) {
        const schema = requestSchemas[name];
        const handler = handlers[name] as (args: unknown) => Promise<unknown>;
        functions[name] = async (args?: unknown) => {
            const parsed = schema.safeParse(args);
            if (!parsed.success) {
                const issue = parsed.error.issues[0];
                const error = new InvalidRequestError(`Invalid request ${name}: ${issue?.path.join(".") || "argument"} ${issue?.message ?? "is invalid"}`);
                logger.warn("Refused a request", {request: name, cause: error});
                throw error;
            }
            try {
                return await handler(parsed.data);
            } catch (error) {
                // The client shows the message; the log keeps where it came from.
                logger.warn("A request failed", {request: name, cause: error});
                throw error;
            }
        };
    }
    return functions as MainFunctions;
}
