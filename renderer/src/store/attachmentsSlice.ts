import type {StateCreator} from "zustand/vanilla";
import type {Attachment, PonderApi} from "../../../electron/contract";
import type {Failure} from "../i18n/localizeError";
import {uploadFailure, uploadFile} from "./uploadFile";
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

let nextKey = 0;

export const createAttachmentsSlice = (api: PonderApi): StateCreator<PonderState, [], [], AttachmentsSlice> => (set, get) => {
    const update = (key: string, next: PendingAttachment) =>
        set((state) => ({pendingAttachments: state.pendingAttachments.map((pending) => pending.key === key ? next : pending)}));
    const isPending = (key: string) => get().pendingAttachments.some((pending) => pending.key === key);

    async function upload(key: string, file: File) {
        try {
            const uploadId = await uploadFile(api, file, {
                isWanted: () => isPending(key),
                onProgress: (sentBytes) => update(key, {key, name: file.name, status: "uploading", sentBytes, sizeBytes: file.size})
            });
            // Removed from the composer meanwhile.
            if (uploadId == null)
                return;
            const attachment = await api.attachments.finish({uploadId});
            if (isPending(key))
                update(key, {key, name: file.name, status: "ready", attachment});
        } catch (error) {
            if (isPending(key))
                update(key, {key, name: file.name, status: "error", error: uploadFailure(error)});
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
