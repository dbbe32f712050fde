/**
 * The local OpenAI-compatible API server (`/v1`).
 * The requests' argument schemas (built with the zod the main side passes in, so this module loads
 * without it), their results, events and the values they carry; ../contract.ts joins every domain.
 */
import type {RequestSchemaBuilders} from "./RequestSchemaBuilders.ts";
import {everyName} from "./everyName.ts";
import type {Failure} from "./errors.ts";

export const apiRequests = {
    "api.getState": ({z}) => z.undefined(),
    /** The desktop app's local OpenAI-compatible API server; `serve` always has it on its own port. */
    "api.configure": ({z}) => z.strictObject({
        enabled: z.boolean().optional(),
        /** Listen on every network interface instead of 127.0.0.1 only. */
        allowNetwork: z.boolean().optional(),
        port: z.number().int().min(1).max(65535).optional()
    }),
    "api.rotateKey": ({z}) => z.undefined()
} satisfies RequestSchemaBuilders;

export interface ApiResults {
    "api.getState": ApiServerState;
    "api.configure": ApiServerState;
    "api.rotateKey": ApiServerState;
}

export interface ApiEvents {
    "api.stateChanged": ApiServerState;
}

export const apiEventNames = everyName<keyof ApiEvents>()(["api.stateChanged"]);

/** The OpenAI-compatible API server (`/v1`) other apps on the machine use. */
export interface ApiServerState {
    /** `desktop`: a setting starts and stops it; `serve`: always on, on the page's own port. */
    mode: "desktop" | "serve";
    enabled: boolean;
    /** Reachable from other devices, not only from this machine (127.0.0.1). */
    allowNetwork: boolean;
    port: number;
    /** The base address clients use, e.g. `http://127.0.0.1:8758/v1`; null while it's off. */
    url: string | null;
    /** The key clients send as `Authorization: Bearer <key>`. */
    apiKey: string;
    /** Why it isn't running although enabled (the port is taken…). */
    error: Failure | null;
}
