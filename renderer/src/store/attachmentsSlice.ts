import type {StateCreator} from "zustand/vanilla";
import type {Attachment, PonderApi} from "../../../electron/contract";
import {failureOf, type Failure} from "../i18n/localizeError";
import type {PonderState} from "./createPonderStore";

/** A file on its way into the next message: being uploaded and read, ready, or refused with the core's reason. */
export type PendingAttachment =
    | {key: string; name: string; status: "uploading"; sentBytes: number; sizeBytes: number}
    | {key: string; name: string; status: "ready"; attachment: Attachment}
    | {key: string; name: string; status: "error"; error: Failure};

export interface AttachmentsSlice {
    /** The composer's attachments for the next message, in the order they were added. */
    pendingAttachments: readonly PendingAttachment[];
    /** Uploads each file in pieces (the core reads and stores it); a refused one stays listed with its reason. */
    attachFiles(files: readonly File[]): Promise<void>;
    removePendingAttachment(key: string): void;
    clearPendingAttachments(): void;
}

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

function attachFailure(error: unknown): Failure {
    return error instanceof FileChangedError ? {code: "attachment.changedWhileRead", params: {name: error.fileName}} : failureOf(error);
}

let nextKey = 0;

export const createAttachmentsSlice = (api: PonderApi): StateCreator<PonderState, [], [], AttachmentsSlice> => (set, get) => {
    const update = (key: string, next: PendingAttachment) =>
        set((state) => ({pendingAttachments: state.pendingAttachments.map((pending) => pending.key === key ? next : pending)}));
    const isPending = (key: string) => get().pendingAttachments.some((pending) => pending.key === key);

    async function upload(key: string, file: File) {
        try {
            const {uploadId} = await api.attachments.begin({name: file.name, sizeBytes: file.size});
            for (let offset = 0; offset < file.size; offset += pieceBytes) {
                // Removed from the composer meanwhile: the core drops the unfinished upload by itself.
                if (!isPending(key))
                    return;
                await api.attachments.write({uploadId, offset, data: await base64Of(file.slice(offset, offset + pieceBytes), file.name)});
                update(key, {key, name: file.name, status: "uploading", sentBytes: Math.min(file.size, offset + pieceBytes), sizeBytes: file.size});
            }
            const attachment = await api.attachments.finish({uploadId});
            if (isPending(key))
                update(key, {key, name: file.name, status: "ready", attachment});
        } catch (error) {
            if (isPending(key))
                update(key, {key, name: file.name, status: "error", error: attachFailure(error)});
        }
    }

    return {
        pendingAttachments: [],
        attachFiles(files) {
            const added = files.map((file) => ({file, key: `attachment-${nextKey++}`}));
            set((state) => ({pendingAttachments: [
                ...state.pendingAttachments,
                ...added.map(({file, key}): PendingAttachment => ({key, name: file.name, status: "uploading", sentBytes: 0, sizeBytes: file.size}))
            ]}));
            // One at a time: the pieces of several files would only compete for the same link.
            return added.reduce((previous, {file, key}) => previous.then(() => upload(key, file)), Promise.resolve());
        },
        removePendingAttachment(key) {
            set((state) => ({pendingAttachments: state.pendingAttachments.filter((pending) => pending.key !== key)}));
        },
        clearPendingAttachments() {
            set({pendingAttachments: []});
        }
    };
};
