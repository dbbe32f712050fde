import type {PonderApi, Unsubscribe} from "../../../electron/contract";

/**
 * `connecting`: before the first connection; `reconnecting`: the connection dropped and is being
 * re-established (state may be stale until it is `connected` again).
 */
export type ConnectionStatus = "connecting" | "connected" | "reconnecting";

/** A `PonderApi` plus the health of the transport carrying it. */
export interface PonderConnection {
    /** Stable for the connection's lifetime, across reconnects. */
    readonly api: PonderApi;
    readonly status: ConnectionStatus;
    onStatusChange(listener: (status: ConnectionStatus) => void): Unsubscribe;
    dispose(): void;
}
