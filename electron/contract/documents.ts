/**
 * Documents attached to messages: their upload, and the passages retrieval reads of them.
 * The requests' argument schemas (built with the zod the main side passes in, so this module loads
 * without it), their results, events and the values they carry; ../contract.ts joins every domain.
 */
import type {RequestSchemaBuilders, Zod} from "./RequestSchemaBuilders.ts";

/** A POSIX path from the root, a Windows drive path or a UNC share: never one relative to the core's working folder. */
const absolutePath = /^(\/|[A-Za-z]:[\\/]|\\\\)/;

export const attachmentsRequests = {
    /** Starts an upload of a document's bytes, sent in pieces with `attachments.write`; refuses what is too large. */
    "attachments.begin": ({z}) => z.strictObject({
        name: z.string().trim().min(1).max(255),
        sizeBytes: z.number().int().min(0).max(2 ** 50),
        /** `archive`: a JSON export for `chats.importUpload` (larger allowed, never extracted); a document by default. */
        purpose: z.enum(["document", "archive"]).optional()
    }),
    /** One piece (base64, at most 1 MiB of bytes), at its offset; pieces come in order. */
    "attachments.write": ({z, id}) => z.strictObject({uploadId: id, offset: z.number().int().min(0), data: z.string().max(1_398_104).regex(/^[A-Za-z0-9+/]*={0,2}$/)}),
    /** Reads the uploaded document's text and stores it once per content hash. */
    "attachments.finish": ({z, id}) => z.strictObject({uploadId: id}),
    /** Desktop only: the system's open dialog picks documents; their paths, for `attachments.addPath` (none when cancelled). */
    "attachments.pick": ({z}) => z.undefined(),
    /**
     * Desktop only: the main process reads a picked or dropped file itself, with no upload. `serve`
     * refuses it: a browser must never make the server read a path of its choosing.
     */
    "attachments.addPath": ({z}) => z.strictObject({path: z.string().min(2).max(4096).regex(absolutePath)})
} satisfies RequestSchemaBuilders;

export interface AttachmentsResults {
    "attachments.begin": {uploadId: string};
    "attachments.write": void;
    "attachments.finish": Attachment;
    "attachments.pick": string[];
    "attachments.addPath": Attachment;
}

/** A stored document as a message names it: its content hash and the file's name. */
export function attachmentRefSchema(z: Zod) {
    return z.strictObject({id: z.string().regex(/^[0-9a-f]{64}$/), name: z.string().trim().min(1).max(255)});
}

/** A document attached to a message; its text is kept once per content hash in the data folder. */
export interface Attachment {
    /** The sha256 of the file's bytes. */
    id: string;
    name: string;
    kind: "text" | "pdf" | "docx" | "html";
    /** A PDF's page count; null for other kinds. */
    pages: number | null;
    /** What it takes of the context: counted by the model loaded when it was attached if that runs here, estimated otherwise. */
    tokens: number;
    sizeBytes: number;
}

/** How far the embedding of a document's passages has come. */
export interface DocumentIndexing {
    name: string;
    done: number;
    total: number;
}

/** A passage of an attached document that retrieval put before a question (cited as `[n]`, n its place from 1). */
export interface MessageSource {
    attachmentId: string;
    /** The document's name as attached. */
    name: string;
    /** The PDF page it is on; null for documents without pages. */
    page: number | null;
    /** Its place among the document's pieces, from 0. */
    piece: number;
    text: string;
}
