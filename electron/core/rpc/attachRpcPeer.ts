import {createBirpc, type ChannelOptions} from "birpc";
import {z} from "zod";
import {requestNames} from "../../contract/values.ts";
import {requestSchemas, type MainFunctions, type RendererFunctions, type RequestHandlers, type RequestName} from "../../contract.ts";
import type {EventBus} from "../events/EventBus.ts";
import type {Logger} from "../logging/Logger.ts";
import {PonderError} from "../../contract/errors.ts";

export interface RpcPeerSource {
    handlers: RequestHandlers;
    events: EventBus;
    /** Refused and failed requests are logged here, and what a transport drops. */
    logger: Logger;
}

/** Rejected input: the message names the request and the first problem, never internals. */
export class InvalidRequestError extends PonderError<"request.invalid"> {
    override readonly name = "InvalidRequestError";
}

/** A message that isn't birpc's request or response shape: the peer is broken or hostile. */
export class MalformedMessageError extends PonderError<"rpc.notRpcMessage"> {
    override readonly name = "MalformedMessageError";
}

export interface RpcPeerOptions {
    /**
     * Told of a message that could not be read (not JSON, not an RPC message) or a reply that could
     * not be sent, after it is logged; the transport decides whether to drop the peer. Nothing is
     * thrown past this.
     */
    onMalformedMessage?: (error: Error) => void;
}

// birpc reads `t` (kind), `m` (method), `a` (arguments), `i` (call id), `o` (optional), `r`/`e` (result/error).
const rpcMessage = z.union([
    z.object({t: z.literal("q"), m: z.string(), a: z.array(z.unknown()).optional(), i: z.string().optional(), o: z.boolean().optional()}),
    z.object({t: z.literal("s"), i: z.string(), r: z.unknown().optional(), e: z.unknown().optional()})
]);

/**
 * Serves the contract to one connected renderer over any birpc channel (Electron IPC, a
 * WebSocket, an in-memory pair): every argument is validated against the contract's schema
 * before the core sees it, and the core's events are forwarded until the peer is detached.
 * Only the contract's own request names are callable, and no message, however malformed,
 * throws out of here.
 */
export function attachRpcPeer(source: RpcPeerSource, channel: ChannelOptions, options: RpcPeerOptions = {}): () => void {
    const deserialize = channel.deserialize ?? ((data: unknown) => data);
    const rpc = createBirpc<RendererFunctions, MainFunctions>(validatedFunctions(source.handlers, source.logger), {
        ...channel,
        deserialize: (data) => {
            let message: unknown;
            try {
                message = deserialize(data);
            } catch (error) {
                throw new MalformedMessageError("rpc.notRpcMessage", {reason: (error as Error).message}, {cause: error});
            }
            const parsed = rpcMessage.safeParse(message);
            if (!parsed.success)
                throw new MalformedMessageError("rpc.notRpcMessage", {reason: parsed.error.issues[0]?.message ?? "?"});
            return parsed.data;
        },
        // Returning true tells birpc the error is handled; it would otherwise reject with nobody listening.
        onGeneralError: (error) => {
            source.logger.warn("Dropped a malformed RPC message", {cause: error});
            options.onMalformedMessage?.(error instanceof Error ? error : new MalformedMessageError("rpc.notRpcMessage", {reason: String(error)}));
            return true;
        },
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
    // No prototype: birpc looks methods up by the name a peer sends, and `valueOf` or
    // `constructor` must be "not found" like any other name outside the contract.
    const functions: Partial<Record<RequestName, (args?: unknown) => Promise<unknown>>> = Object.create(null);
    for (const name of requestNames) {
        const schema = requestSchemas[name];
        const handler = handlers[name] as (args: unknown) => Promise<unknown>;
        functions[name] = async (args?: unknown) => {
            const parsed = schema.safeParse(args);
            if (!parsed.success) {
                const issue = parsed.error.issues[0];
                const error = new InvalidRequestError("request.invalid", {request: name, field: issue?.path.join(".") || "argument", problem: issue?.message ?? "is invalid"});
                logger.warn("Refused a request", {request: name, cause: error});
                throw error.toData();
            }
            try {
                return await handler(parsed.data);
            } catch (error) {
                // The client shows the message; the log keeps where it came from.
                logger.warn("A request failed", {request: name, cause: error});
                // A coded error crosses as plain data (IPC and JSON keep a plain object's fields, not an Error's).
                throw error instanceof PonderError ? error.toData() : error;
            }
        };
    }
    return functions as MainFunctions;
}
