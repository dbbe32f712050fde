import type {PonderApi} from "../../../electron/contract";
import {failureOf, type Failure} from "../i18n/localizeError";

/** Bytes per `attachments.write`: large enough for speed, small enough for one WebSocket frame each. */
const pieceBytes = 2 ** 20;

/** The browser refuses to read a file deleted or changed since it was picked (NotFoundError, NotReadableError). */
class FileChangedError extends Error {
    constructor(readonly fileName: string) {
        super(fileName);
    }
}

/** A piece of the file as base64, which the contract carries; the browser encodes it natively. */
function base64Of(blob: Blob, name: string): Promise<string> {
    return new Promise((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve((reader.result as string).slice((reader.result as string).indexOf(",") + 1));
        reader.onerror = () => reject(new FileChangedError(name));
        reader.readAsDataURL(blob);
    });
}

export interface UploadOptions {
    /** `archive`: a JSON export for `chats.importUpload`; a document to attach by default. */
    purpose?: "document" | "archive";
    /** Called after each piece with the bytes sent so far. */
    onProgress?(sentBytes: number): void;
    /** Asked before each piece: false stops the upload (the core drops an unfinished one by itself). */
    isWanted?(): boolean;
}

/**
 * Sends a file's bytes to the core in 1 MiB pieces (`attachments.begin` / `write`), as both the
 * desktop app and `serve` do, so no message carries a whole file. Returns the upload's id for
 * `attachments.finish` or `chats.importUpload`, or null when it stopped being wanted.
 */
export async function uploadFile(api: PonderApi, file: File, {purpose, onProgress, isWanted}: UploadOptions = {}): Promise<string | null> {
    const {uploadId} = await api.attachments.begin({name: file.name, sizeBytes: file.size, ...(purpose == null ? {} : {purpose})});
    for (let offset = 0; offset < file.size; offset += pieceBytes) {
        if (isWanted != null && !isWanted())
            return null;
        await api.attachments.write({uploadId, offset, data: await base64Of(file.slice(offset, offset + pieceBytes), file.name)});
        onProgress?.(Math.min(file.size, offset + pieceBytes));
    }
    return uploadId;
}

/** Why an upload failed: the core's coded reason, or the file changing under the browser. */
export function uploadFailure(error: unknown): Failure {
    return error instanceof FileChangedError ? {code: "attachment.changedWhileRead", params: {name: error.fileName}} : failureOf(error);
}
