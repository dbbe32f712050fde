/**
 * Conversations' evaluated states kept on disk.
 * The requests' argument schemas (built with the zod the main side passes in, so this module loads
 * without it), their results, events and the values they carry; ../contract.ts joins every domain.
 */
import type {RequestSchemaBuilders} from "./RequestSchemaBuilders.ts";

export const stateCacheRequests = {
    /** Conversations' evaluated states kept on disk (see {@link StateCacheInfo}). */
    "stateCache.get": ({z}) => z.undefined(),
    /** The disk budget for them; states beyond it are deleted, least recently used first. 0 keeps none. */
    "stateCache.configure": ({z}) => z.strictObject({budgetBytes: z.number().int().min(0).max(2 ** 50)}),
    /** Deletes every saved state: conversations are evaluated again when they come back. */
    "stateCache.clear": ({z}) => z.undefined()
} satisfies RequestSchemaBuilders;

export interface StateCacheResults {
    "stateCache.get": StateCacheInfo;
    "stateCache.configure": StateCacheInfo;
    "stateCache.clear": StateCacheInfo;
}

/**
 * The conversation states on disk: what a chat's context holds, saved when another chat needs
 * its place and at unload, so coming back to it reads it instead of evaluating it again.
 */
export interface StateCacheInfo {
    usedBytes: number;
    budgetBytes: number;
    /** Conversations with a saved state. */
    conversations: number;
}
