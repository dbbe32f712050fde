import {createBirpc} from "birpc";
import type {BirpcReturn} from "birpc";
import {WebSocket, WebSocketServer} from "ws";
import type {AddressInfo} from "node:net";
import type {
    EventName, EventPayloads, MainFunctions, RendererFunctions, RequestArgs, RequestName, RequestResults
} from "../../../electron/contract.ts";
import {PonderError} from "../../../electron/contract/errors.ts";
import {WebSocketBridge} from "../../../renderer/src/bridge/WebSocketBridge.ts";

export type PeerHandlers = {[N in RequestName]?: (args: RequestArgs<N>) => RequestResults[N] | Promise<RequestResults[N]>};

export interface RpcPeer {
    /** `ws://127.0.0.1:PORT/rpc` */
    url: string;
    /** Every request received, with its raw argument list (to see that none-argument requests send none). */
    calls: {name: string; args: unknown[]}[];
    emit<E extends EventName>(event: E, payload: EventPayloads[E]): Promise<void>;
    /** Closes every client socket, as a server restart would, while still accepting new ones. */
    dropConnections(): void;
    connectionCount(): number;
    close(): Promise<void>;
}

/**
 * The main side as the renderer sees it over the wire: a real WebSocket server on 127.0.0.1
 * speaking birpc with the given handlers, serialising thrown errors as `serve` does.
 */
export async function startRpcPeer(handlers: PeerHandlers): Promise<RpcPeer> {
    const server = new WebSocketServer({host: "127.0.0.1", port: 0, path: "/rpc"});
    await new Promise<void>((resolve) => server.once("listening", resolve));
    const peers = new Set<BirpcReturn<RendererFunctions, MainFunctions>>();
    const calls: RpcPeer["calls"] = [];

    const functions = Object.fromEntries(Object.entries(handlers).map(([name, handler]) => [
        name,
        async (...args: unknown[]) => {
            calls.push({name, args});
            return (handler as (args: unknown) => unknown)(args[0]);
        }
    ])) as unknown as MainFunctions;

    server.on("connection", (socket) => {
        const rpc = createBirpc<RendererFunctions, MainFunctions>(functions, {
            post: (data: string) => socket.send(data),
            on: (receive) => void socket.on("message", (data) => receive(data.toString())),
            // A coded error as attachRpcPeer sends it (its data), any other error as its name and message.
            serialize: (value) => JSON.stringify(value, (_key, item: unknown) =>
                item instanceof PonderError ? item.toData() : item instanceof Error ? {name: item.name, message: item.message} : item),
            deserialize: JSON.parse,
            timeout: -1
        });
        peers.add(rpc);
        socket.on("close", () => {
            peers.delete(rpc);
            rpc.$close();
        });
    });

    return {
        url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/rpc`,
        calls,
        async emit(event, payload) {
            await Promise.all([...peers].map((rpc) => rpc.$callRaw({method: event, args: [payload], event: true})));
        },
        dropConnections() {
            for (const client of server.clients)
                client.terminate();
        },
        connectionCount: () => peers.size,
        close: () => new Promise<void>((resolve) => {
            for (const client of server.clients)
                client.terminate();
            server.close(() => resolve());
        })
    };
}

const openPairs: Array<{peer: RpcPeer; bridge: WebSocketBridge}> = [];

/** A peer serving `handlers` and a bridge connected to it; {@link closeConnectedPairs} ends both. */
export async function connectPair(handlers: PeerHandlers): Promise<{peer: RpcPeer; bridge: WebSocketBridge}> {
    const peer = await startRpcPeer(handlers);
    const bridge = connectBridge(peer.url);
    openPairs.push({peer, bridge});
    await until(() => bridge.status === "connected");
    return {peer, bridge};
}

/** For `afterEach`: disposes every bridge and closes every peer the test opened. */
export async function closeConnectedPairs(): Promise<void> {
    for (const {peer, bridge} of openPairs.splice(0)) {
        bridge.dispose();
        await peer.close();
    }
}

/** The renderer's bridge on Node: `ws`'s client stands in for the browser's WebSocket. */
export function connectBridge(url: string): WebSocketBridge {
    return new WebSocketBridge({url, createSocket: (socketUrl) => new WebSocket(socketUrl), minReconnectDelayMs: 20, maxReconnectDelayMs: 100});
}

export async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
        if (Date.now() > deadline)
            throw new Error("Timed out waiting for a condition");
        await new Promise((resolve) => setTimeout(resolve, 5));
    }
}
