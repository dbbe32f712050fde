import type {StateCreator} from "zustand/vanilla";
import type {Chat, ChatImportResult, ChatSummary, Message, PonderApi, RequestArgs, SearchHit, UserPreset} from "../../../electron/contract";
import type {FileToSave} from "../format/saveFile";
import type {PonderState} from "./createPonderStore";
import {requestAction} from "./requestAction";
import {uploadFile} from "./uploadFile";

export type ImportDuplicates = NonNullable<RequestArgs<"chats.import">["duplicates"]>;

/** Something deleted that the user can still bring back. */
export type Deletion =
    | {kind: "chat"; chat: ChatSummary}
    | {kind: "message"; chatId: string; messageId: string; role: Message["role"]}
    | {kind: "preset"; preset: UserPreset};

export interface ConversationsSlice {
    /** The latest deletion, while the undo for it is offered. */
    lastDeletion: Deletion | null;
    searchQuery: string;
    /** Results of `searchQuery`; null while there is no query. */
    searchHits: readonly SearchHit[] | null;
    /** A message to bring into view (a search hit), until the list has done so. */
    focusedMessageId: string | null;
    renameChat(chatId: string, title: string): Promise<void>;
    setPinned(chatId: string, pinned: boolean): Promise<void>;
    updateChatSettings(chatId: string, settings: {systemPrompt?: string; sendReasoning?: boolean}): Promise<void>;
    deleteChat(chatId: string): Promise<void>;
    /** Brings back {@link lastDeletion}. */
    undoDelete(): Promise<void>;
    /** Stops offering the undo (it timed out or was dismissed). */
    dismissUndo(): void;
    search(query: string): Promise<void>;
    openSearchHit(hit: SearchHit): Promise<void>;
    clearFocusedMessage(): void;
    /** Shows another version of a message (and what followed it). */
    showVersion(chatId: string, messageId: string): Promise<void>;
    editMessage(chatId: string, messageId: string, text: string): Promise<boolean>;
    regenerate(chatId: string, messageId: string): Promise<void>;
    /** Loads another model, then regenerates the answer with it (nothing when the load failed, which is shown). */
    regenerateWith(chatId: string, messageId: string, modelId: string): Promise<void>;
    continueMessage(chatId: string, messageId: string): Promise<void>;
    deleteMessage(chatId: string, messageId: string): Promise<void>;
    /** The active chat, or every chat when `chatId` is omitted; null when it failed (reported). */
    exportChats(format: "markdown" | "json", chatId?: string): Promise<FileToSave | null>;
    /**
     * Imports a JSON export file, doing with chats already here what `duplicates` says (by default,
     * importing nothing and answering with them, to ask the user); null when it failed (reported).
     */
    importChats(file: File, duplicates?: ImportDuplicates): Promise<ChatImportResult | null>;
}

export const createConversationsSlice = (api: PonderApi): StateCreator<PonderState, [], [], ConversationsSlice> => (set, get) => {
    /** Runs a request, showing its failure; returns undefined when it failed. */
    async function attempt<T>(request: () => Promise<T>): Promise<T | undefined> {
        const result = await requestAction(get().reportError, request);
        return result.ok ? result.value : undefined;
    }

    /** Takes in a chat after its branch changed, and shows it. */
    function show(chat: Chat | undefined) {
        if (chat == null)
            return;
        get().ingestChat(chat);
        set({activeChatId: chat.summary.id});
    }

    let searchSequence = 0;

    return {
        lastDeletion: null,
        searchQuery: "",
        searchHits: null,
        focusedMessageId: null,
        async renameChat(chatId, title) {
            await attempt(() => api.chats.update({chatId, title}));
        },
        async setPinned(chatId, pinned) {
            await attempt(() => api.chats.update({chatId, pinned}));
        },
        async updateChatSettings(chatId, settings) {
            await attempt(() => api.chats.update({chatId, ...settings}));
        },
        async deleteChat(chatId) {
            const chat = get().chatSummaries[chatId];
            if (chat == null)
                return;
            if (!(await requestAction(get().reportError, () => api.chats.delete({chatId}))).ok)
                return;
            set((state) => ({lastDeletion: {kind: "chat", chat}, activeChatId: state.activeChatId === chatId ? null : state.activeChatId}));
        },
        async undoDelete() {
            const deletion = get().lastDeletion;
            if (deletion == null)
                return;
            set({lastDeletion: null});
            if (deletion.kind === "message")
                show(await attempt(() => api.chats.restoreMessage({chatId: deletion.chatId, messageId: deletion.messageId})));
            else if (deletion.kind === "preset")
                await get().restorePreset(deletion.preset);
            else if (await attempt(() => api.chats.restore({chatId: deletion.chat.id})) != null)
                await get().openChat(deletion.chat.id);
        },
        dismissUndo() {
            set({lastDeletion: null});
        },
        async search(query) {
            const sequence = ++searchSequence;
            set({searchQuery: query});
            if (query.trim() === "") {
                set({searchHits: null});
                return;
            }
            const hits = await attempt(() => api.chats.search({query}));
            // A later keystroke's search supersedes this one.
            if (hits != null && sequence === searchSequence)
                set({searchHits: hits});
        },
        async openSearchHit(hit) {
            show(await attempt(() => api.chats.showMessage({chatId: hit.chatId, messageId: hit.messageId})));
            set({focusedMessageId: hit.messageId});
        },
        clearFocusedMessage() {
            set({focusedMessageId: null});
        },
        async showVersion(chatId, messageId) {
            show(await attempt(() => api.chats.showMessage({chatId, messageId})));
        },
        async editMessage(chatId, messageId, text) {
            const chat = await attempt(() => api.chats.edit({chatId, messageId, text}));
            show(chat);
            return chat != null;
        },
        async regenerate(chatId, messageId) {
            show(await attempt(() => api.chats.regenerate({chatId, messageId})));
        },
        async regenerateWith(chatId, messageId, modelId) {
            await get().loadModel(modelId);
            const {runtime} = get();
            if (runtime.status === "ready" && runtime.modelId === modelId)
                await get().regenerate(chatId, messageId);
        },
        async continueMessage(chatId, messageId) {
            // The message's new state arrives as an update, before this reply.
            await attempt(() => api.chats.continue({chatId, messageId}));
        },
        async deleteMessage(chatId, messageId) {
            const role = get().messages[messageId]?.role ?? "user";
            const chat = await attempt(() => api.chats.deleteMessage({chatId, messageId}));
            if (chat == null)
                return;
            show(chat);
            set({lastDeletion: {kind: "message", chatId, messageId, role}});
        },
        async exportChats(format, chatId) {
            return await attempt(async () => {
                const {exportId, fileName, mimeType} = await api.chats.export(chatId == null ? {format} : {chatId, format});
                // Each piece goes into a Blob at once: the browser keeps blobs outside the script's
                // heap (on disk when large), so exporting thousands of chats holds no giant string.
                let blob = new Blob([], {type: `${mimeType};charset=utf-8`});
                for (let piece = await api.chats.readExport({exportId}); ; piece = await api.chats.readExport({exportId})) {
                    blob = new Blob([blob, piece.content], {type: blob.type});
                    if (piece.done)
                        return {fileName, blob};
                }
            }) ?? null;
        },
        async importChats(file, duplicates = "ask") {
            // Uploaded in pieces like an attachment: an archive can be far larger than one message may be.
            const result = await attempt(async () => {
                const uploadId = await uploadFile(api, file, {purpose: "archive"});
                // Never null: nothing here stops the upload.
                return api.chats.importUpload({uploadId: uploadId!, duplicates});
            });
            if (result?.imported[0] != null)
                await get().openChat(result.imported[0].id);
            return result ?? null;
        }
    };
};
