import {createHash, randomUUID} from "node:crypto";
import {existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from "node:fs";
import {open, rename, rm, writeFile, type FileHandle} from "node:fs/promises";
import path from "node:path";
import type {ArchivedDocument, Attachment, DomainHandlers} from "../../contract.ts";
import {PonderError} from "../../contract/errors.ts";
import {requireDesktop, type DesktopShell} from "../DesktopShell.ts";
import type {DocumentArchive} from "../chats/ChatTransfer.ts";
import {assertAttachableSize, extractDocument, type ExtractedDocument} from "./extractDocument.ts";

/** A document's text as stored beside its hash: what the prompt is built from (and what an export carries). */
type StoredDocument = ExtractedDocument & ArchivedDocument;

interface Upload {
    name: string;
    sizeBytes: number;
    file: FileHandle;
    filePath: string;
    received: number;
    expires: NodeJS.Timeout;
}

/** An archive (a JSON export) may be larger than a document; JSON.parse still has to hold it as one string. */
export const maxArchiveBytes = 256 * 2 ** 20;

/** An upload nobody finishes (a tab closed mid-way) is dropped after this long. */
const uploadLifetimeMs = 10 * 60_000;

/**
 * Attached documents, kept once per content hash in `attachments/` of the data folder: the
 * extracted text of each (`<sha256>.json`), which every message that attached it refers to.
 * Bytes arrive in chunks (`serve` uploads them over the socket) into a temporary file, so no
 * request holds a whole document and a client that goes away leaves nothing behind.
 * It is the chats' {@link DocumentArchive}: JSON exports carry the stored text, imports put it back.
 */
export class AttachmentStore implements DocumentArchive {
    readonly #dir: string;
    readonly #countTokens: (text: string) => Promise<number>;
    readonly #uploads = new Map<string, Upload>();

    /** `countTokens`: the loaded model's count where there is one, an estimate otherwise. */
    constructor(dir: string, countTokens: (text: string) => Promise<number>) {
        this.#dir = dir;
        this.#countTokens = countTokens;
        mkdirSync(path.join(dir, "uploads"), {recursive: true});
    }

    /** `desktop`: the Electron shell, which alone may attach by path; `serve` has none, so its clients only upload. */
    handlers(desktop?: DesktopShell): DomainHandlers<"attachments"> {
        return {
            begin: async ({name, sizeBytes, purpose}) => ({uploadId: await this.begin(name, sizeBytes, purpose)}),
            write: ({uploadId, offset, data}) => this.write(uploadId, offset, Buffer.from(data, "base64")),
            finish: ({uploadId}) => this.finish(uploadId),
            pick: async () => requireDesktop(desktop).pickDocuments(),
            addPath: async ({path: filePath}) => {
                requireDesktop(desktop);
                return this.addFile(filePath);
            }
        };
    }

    async begin(name: string, sizeBytes: number, purpose: "document" | "archive" = "document"): Promise<string> {
        if (purpose === "archive" && sizeBytes > maxArchiveBytes)
            throw new PonderError("attachment.tooLarge", {name, sizeBytes, maxBytes: maxArchiveBytes});
        if (purpose === "document")
            assertAttachableSize(name, sizeBytes);
        const uploadId = randomUUID();
        const filePath = path.join(this.#dir, "uploads", uploadId);
        const file = await open(filePath, "w");
        const expires = setTimeout(() => void this.cancel(uploadId), uploadLifetimeMs);
        expires.unref();
        this.#uploads.set(uploadId, {name, sizeBytes, file, filePath, received: 0, expires});
        return uploadId;
    }

    /** Chunks come in order; one at the wrong offset or past the announced size ends the upload. */
    async write(uploadId: string, offset: number, chunk: Buffer): Promise<void> {
        const upload = this.#upload(uploadId);
        if (offset !== upload.received || upload.received + chunk.length > upload.sizeBytes) {
            await this.cancel(uploadId);
            throw new PonderError("attachment.uploadOutOfPlace", {name: upload.name});
        }
        upload.received += chunk.length;
        try {
            await upload.file.write(chunk, 0, chunk.length, offset);
        } catch (error) {
            await this.cancel(uploadId);
            throw diskError(upload.name, error);
        }
    }

    /** Reads the finished upload's text and stores it by hash. */
    async finish(uploadId: string): Promise<Attachment> {
        const {name, bytes} = await this.take(uploadId);
        return this.add(name, bytes);
    }

    /** A finished upload's bytes as they came (an archive to import), and the upload is gone. */
    async take(uploadId: string): Promise<{name: string; bytes: Buffer}> {
        const upload = this.#upload(uploadId);
        try {
            if (upload.received !== upload.sizeBytes)
                throw new PonderError("attachment.uploadStoppedEarly", {name: upload.name, receivedBytes: upload.received, sizeBytes: upload.sizeBytes});
            await upload.file.close();
            return {name: upload.name, bytes: readFileSync(upload.filePath)};
        } finally {
            await this.cancel(uploadId);
        }
    }

    async cancel(uploadId: string): Promise<void> {
        const upload = this.#uploads.get(uploadId);
        if (upload == null)
            return;
        this.#uploads.delete(uploadId);
        clearTimeout(upload.expires);
        await upload.file.close().catch(() => undefined);
        await rm(upload.filePath, {force: true});
    }

    /** A file the main process read itself (the desktop app's picker or a dropped file's path). */
    async addFile(filePath: string): Promise<Attachment> {
        const name = path.basename(filePath);
        let handle: FileHandle;
        try {
            handle = await open(filePath, "r");
        } catch (error) {
            throw readError(name, error);
        }
        try {
            const {size} = await handle.stat();
            assertAttachableSize(name, size);
            const bytes = await handle.readFile();
            // A file cut or rewritten while it was read (a download still running, a drive pulled out) is not what the user picked.
            if (bytes.length !== size)
                throw new PonderError("attachment.changedWhileRead", {name});
            return await this.add(name, bytes);
        } catch (error) {
            throw error instanceof PonderError ? error : readError(name, error);
        } finally {
            await handle.close();
        }
    }

    /** Extracts and keeps a document's text; the same bytes attached again are read from the store. */
    async add(name: string, bytes: Buffer): Promise<Attachment> {
        const id = createHash("sha256").update(bytes).digest("hex");
        let stored = this.#read(id);
        if (stored == null) {
            const document = await extractDocument(bytes, name);
            stored = {...document, sizeBytes: bytes.length, tokens: await this.#countTokens(promptText(name, document))};
            const target = this.#pathOf(id);
            try {
                // Written whole, then renamed: a crash or a full disk never leaves half a document under its hash.
                await writeFile(target + ".part", JSON.stringify(stored));
                await rename(target + ".part", target);
            } catch (error) {
                await rm(target + ".part", {force: true});
                throw diskError(name, error);
            }
        }
        return describe(id, name, stored);
    }

    /** A stored document under the name a message gives it; refuses an id the store doesn't hold. */
    describe({id, name}: Pick<Attachment, "id" | "name">): Attachment {
        const stored = this.#read(id);
        if (stored == null)
            throw new PonderError("attachment.noLongerStored", {name});
        return describe(id, name, stored);
    }

    /** The document as the model reads it: its name, then its text, with page marks for citing. */
    promptText(attachment: Pick<Attachment, "id" | "name">): string {
        const stored = this.#read(attachment.id);
        return stored == null ? `[${attachment.name}: this attachment is no longer in the data folder]` : promptText(attachment.name, stored);
    }

    /** A stored document's pages, for retrieval to split; undefined when the store no longer has it. */
    document(id: string): ExtractedDocument | undefined {
        return this.#read(id);
    }

    archived(id: string): ArchivedDocument | undefined {
        return this.#read(id);
    }

    /** An imported document, kept under the hash its export gives it, unless the same hash is already kept. */
    restore(id: string, name: string, document: ArchivedDocument): void {
        const target = this.#pathOf(id);
        if (existsSync(target))
            return;
        try {
            // Synchronous like the import that calls it; written whole, then renamed, like an attach.
            writeFileSync(target + ".part", JSON.stringify(document));
            renameSync(target + ".part", target);
        } catch (error) {
            rmSync(target + ".part", {force: true});
            throw diskError(name, error);
        }
    }

    #read(id: string): StoredDocument | undefined {
        // The contract lets only sha256 ids in; anything else names no stored document.
        if (!/^[0-9a-f]{64}$/.test(id))
            return undefined;
        try {
            return JSON.parse(readFileSync(this.#pathOf(id), "utf8")) as StoredDocument;
        } catch {
            return undefined;
        }
    }

    #pathOf(id: string) {
        return path.join(this.#dir, `${id}.json`);
    }

    #upload(uploadId: string): Upload {
        const upload = this.#uploads.get(uploadId);
        if (upload == null)
            throw new PonderError("attachment.uploadEnded");
        return upload;
    }
}

function describe(id: string, name: string, stored: StoredDocument): Attachment {
    return {id, name, kind: stored.kind, pages: stored.kind === "pdf" ? stored.pages.length : null, tokens: stored.tokens, sizeBytes: stored.sizeBytes};
}

function promptText(name: string, document: ExtractedDocument): string {
    const body = document.pages.map((page) => page.number == null ? page.text : `[page ${page.number}]\n${page.text}`).join("\n\n");
    return `<document name="${name.replace(/"/g, "'")}">\n${body.trim()}\n</document>`;
}

function readError(name: string, error: unknown): PonderError {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
        return new PonderError("attachment.disappeared", {name}, {cause: error});
    if (code === "EISDIR")
        return new PonderError("attachment.isFolder", {name}, {cause: error});
    return new PonderError("attachment.couldNotRead", {name, reason: (error as Error).message}, {cause: error});
}

function diskError(name: string, error: unknown): PonderError {
    return (error as NodeJS.ErrnoException).code === "ENOSPC"
        ? new PonderError("attachment.diskFull", {name}, {cause: error})
        : new PonderError("attachment.couldNotStore", {name, reason: (error as Error).message}, {cause: error});
}
