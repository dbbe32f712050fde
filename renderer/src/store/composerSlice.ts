import type {StateCreator} from "zustand/vanilla";
import type {Attachment, PonderApi, PonderFiles} from "../../../electron/contract";
import type {Failure} from "../i18n/localizeError";
import {uploadFailure, uploadFile} from "./uploadFile";
import type {PonderState} from "./createPonderStore";
import {requestAction} from "./requestAction";

/** A file on its way into the next message: being uploaded and read, ready, or refused with the core's reason. */
export type PendingAttachment =
    /** `sizeBytes` null: the desktop app's main process reads it from disk, with no upload to measure. */
    | {key: string; name: string; status: "uploading"; sentBytes: number; sizeBytes: number | null}
    | {key: string; name: string; status: "ready"; attachment: Attachment}
    | {key: string; name: string; status: "error"; error: Failure};

/** What the composer holds: each chat's unsent text and the attachments for the next message. */
export interface ComposerSlice {
    /** What the user has typed and not sent, per chat ("" key: a new chat), kept across views and chats. */
    drafts: Readonly<Record<string, string>>;
    /** Counts requests to put the focus in the composer (after a form that had it closes). */
    composerFocusRequests: number;
    setDraft(chatId: string | null, text: string): void;
    focusComposer(): void;
    /** The composer's attachments for the next message, in the order they were added. */
    pendingAttachments: readonly PendingAttachment[];
    /** The desktop app reads files by path in its main process (its own open dialog, dropped files' paths); `serve` uploads. */
    attachesByPath: boolean;
    /**
     * Attaches each file, by its path on disk in the desktop app, else by uploading it in pieces (a
     * browser, or pasted data); the core reads and stores it; a refused one stays listed with its reason.
     */
    attachFiles(files: readonly File[]): Promise<void>;
    /** Desktop only: attaches the documents the user picks in the system's open dialog. */
    attachPicked(): Promise<void>;
    removePendingAttachment(key: string): void;
    clearPendingAttachments(): void;
}

let nextKey = 0;

/** `files`: the desktop preload's `window.ponderFiles`; absent in a browser. */
export const createComposerSlice = (api: PonderApi, files?: PonderFiles): StateCreator<PonderState, [], [], ComposerSlice> => (set, get) => {
    const update = (key: string, next: PendingAttachment) =>
        set((state) => ({pendingAttachments: state.pendingAttachments.map((pending) => pending.key === key ? next : pending)}));
    const isPending = (key: string) => get().pendingAttachments.some((pending) => pending.key === key);

    async function readFromDisk(key: string, name: string, path: string) {
        try {
            const attachment = await api.attachments.addPath({path});
            if (isPending(key))
                update(key, {key, name, status: "ready", attachment});
        } catch (error) {
            if (isPending(key))
                update(key, {key, name, status: "error", error: uploadFailure(error)});
        }
    }

    /** Lists the sources as being read, then reads them one at a time: several would only compete for the same link or disk. */
    function attachInOrder(sources: readonly {name: string; sizeBytes: number | null; read(key: string): Promise<void>}[]) {
        const added = sources.map((source) => ({...source, key: `attachment-${nextKey++}`}));
        set((state) => ({pendingAttachments: [
            ...state.pendingAttachments,
            ...added.map(({name, sizeBytes, key}): PendingAttachment => ({key, name, status: "uploading", sentBytes: 0, sizeBytes}))
        ]}));
        return added.reduce((previous, {read, key}) => previous.then(() => read(key)), Promise.resolve());
    }

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
        drafts: {},
        composerFocusRequests: 0,
        setDraft(chatId, text) {
            set((state) => ({drafts: {...state.drafts, [chatId ?? ""]: text}}));
        },
        focusComposer() {
            set((state) => ({composerFocusRequests: state.composerFocusRequests + 1}));
        },
        pendingAttachments: [],
        attachesByPath: files != null,
        attachFiles(added) {
            return attachInOrder(added.map((file) => {
                const path = files?.pathOf(file) ?? "";
                return path === ""
                    ? {name: file.name, sizeBytes: file.size, read: (key: string) => upload(key, file)}
                    : {name: file.name, sizeBytes: null, read: (key: string) => readFromDisk(key, file.name, path)};
            }));
        },
        async attachPicked() {
            const picked = await requestAction(get().reportError, () => api.attachments.pick());
            if (!picked.ok)
                return;
            await attachInOrder(picked.value.map((path) => {
                const name = path.split(/[\\/]/).pop() ?? path;
                return {name, sizeBytes: null, read: (key: string) => readFromDisk(key, name, path)};
            }));
        },
        removePendingAttachment(key) {
            set((state) => ({pendingAttachments: state.pendingAttachments.filter((pending) => pending.key !== key)}));
        },
        clearPendingAttachments() {
            set({pendingAttachments: []});
        }
    };
};
