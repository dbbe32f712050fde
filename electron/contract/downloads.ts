/**
 * Model downloads.
 * The requests' argument schemas (built with the zod the main side passes in, so this module loads
 * without it), their results, events and the values they carry; ../contract.ts joins every domain.
 */
import type {RequestSchemaBuilders} from "./RequestSchemaBuilders.ts";
import {everyName} from "./everyName.ts";
import type {Failure} from "./errors.ts";

export const downloadsRequests = {
    "downloads.list": ({z}) => z.undefined(),
    /** A catalog id, an `hf:owner/repo:QUANT` or `hf:owner/repo/file.gguf` URI, or a GGUF URL. */
    "downloads.add": ({z}) => z.strictObject({address: z.string().trim().min(1).max(2000)}),
    "downloads.pause": ({z, id}) => z.strictObject({downloadId: id}),
    "downloads.resume": ({z, id}) => z.strictObject({downloadId: id}),
    "downloads.cancel": ({z, id}) => z.strictObject({downloadId: id})
} satisfies RequestSchemaBuilders;

export interface DownloadsResults {
    "downloads.list": Download[];
    "downloads.add": Download;
    "downloads.pause": Download;
    "downloads.resume": Download;
    "downloads.cancel": void;
}

export interface DownloadsEvents {
    /** Every download's state; at most one event per 250 ms while bytes flow. */
    "downloads.changed": Download[];
}

export const downloadsEventNames = everyName<keyof DownloadsEvents>()(["downloads.changed"]);

/** `paused` with an error: stopped by a full disk; Resume continues once there is room. */
export type DownloadStatus = "queued" | "downloading" | "paused" | "done" | "error";

export interface Download {
    id: string;
    /** What the user asked for: a catalog id, an `hf:` URI or a URL. */
    address: string;
    title: string;
    /** The files, in order; a split model has several parts. */
    files: Array<{name: string; sizeBytes: number}>;
    totalBytes: number;
    receivedBytes: number;
    bytesPerSecond: number;
    /** Null while unknown (paused, just started). */
    etaSeconds: number | null;
    status: DownloadStatus;
    /** Why it stopped: a full disk, a server that keeps failing, a sha256 mismatch. */
    error: Failure | null;
    /** False for plain URLs: only the hub publishes a sha256 to check against. */
    verified: boolean;
    /** The model id once it is ready. */
    modelId: string | null;
    createdAt: number;
}
