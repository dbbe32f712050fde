import type {StateCreator} from "zustand/vanilla";
import type {ChatImportResult, PonderApi, RequestArgs} from "../../../electron/contract";
import type {FileToSave} from "../format/saveFile";
import type {PonderState} from "./createPonderStore";
import {requestAction} from "./requestAction";
import type {ActionResult} from "./requestAction";
import {uploadFile} from "./uploadFile";

export type ImportDuplicates = NonNullable<RequestArgs<"chats.import">["duplicates"]>;

/** Chats exported to a file and imported from one. */
export interface ChatTransferSlice {
    /** The active chat, or every chat when `chatId` is omitted. */
    exportChats(format: "markdown" | "json", chatId?: string): Promise<ActionResult<FileToSave>>;
    /**
     * Imports a JSON export file, doing with chats already here what `duplicates` says (by default,
     * importing nothing and answering with them, to ask the user).
     */
    importChats(file: File, duplicates?: ImportDuplicates): Promise<ActionResult<ChatImportResult>>;
}

export const createChatTransferSlice = (api: PonderApi): StateCreator<PonderState, [], [], ChatTransferSlice> => (_set, get) => ({
    exportChats(format, chatId) {
        return requestAction(get().reportError, async () => {
            const {exportId, fileName, mimeType} = await api.chats.export(chatId == null ? {format} : {chatId, format});
            // Each piece goes into a Blob at once: the browser keeps blobs outside the script's
            // heap (on disk when large), so exporting thousands of chats holds no giant string.
            let blob = new Blob([], {type: `${mimeType};charset=utf-8`});
            for (let piece = await api.chats.readExport({exportId}); ; piece = await api.chats.readExport({exportId})) {
                blob = new Blob([blob, piece.content], {type: blob.type});
                if (piece.done)
                    return {fileName, blob};
            }
        });
    },
    async importChats(file, duplicates = "ask") {
        // Uploaded in pieces like an attachment: an archive can be far larger than one message may be.
        const result = await requestAction(get().reportError, async () => {
            const uploadId = await uploadFile(api, file, {purpose: "archive"});
            // Never null: nothing here stops the upload.
            return api.chats.importUpload({uploadId: uploadId!, duplicates});
        });
        if (result.ok && result.value.imported[0] != null)
            await get().openChat(result.value.imported[0].id);
        return result;
    }
});
