import type {StateCreator} from "zustand/vanilla";
import type {Chat, ChatSummary, Message, PonderApi, UserPreset} from "../../../electron/contract";
import type {PonderState} from "./createPonderStore";
import {requestAction, type ActionResult} from "./requestAction";

/** Something deleted that the user can still bring back. */
export type Deletion =
    | {kind: "chat"; chat: ChatSummary}
    | {kind: "message"; chatId: string; messageId: string; role: Message["role"]}
    | {kind: "preset"; preset: UserPreset};

/** Deleting chats and messages, and the undo offered for the latest deletion (a preset's too: `settingsSlice.deletePreset`). */
export interface DeletionsSlice {
    /** The latest deletion, while the undo for it is offered. */
    lastDeletion: Deletion | null;
    deleteChat(chatId: string): Promise<ActionResult<void>>;
    deleteMessage(chatId: string, messageId: string): Promise<ActionResult<Chat>>;
    /** Brings back {@link lastDeletion}. */
    undoDelete(): Promise<void>;
    /** Stops offering the undo (it timed out or was dismissed). */
    dismissUndo(): void;
}

export const createDeletionsSlice = (api: PonderApi): StateCreator<PonderState, [], [], DeletionsSlice> => (set, get) => ({
    lastDeletion: null,
    async deleteChat(chatId) {
        const chat = get().chatSummaries[chatId];
        const result = await requestAction(get().reportError, () => api.chats.delete({chatId}));
        if (result.ok && chat != null)
            set((state) => ({lastDeletion: {kind: "chat", chat}, activeChatId: state.activeChatId === chatId ? null : state.activeChatId}));
        return result;
    },
    async deleteMessage(chatId, messageId) {
        const role = get().messages[messageId]?.role ?? "user";
        const result = await get().showChangedChat(() => api.chats.deleteMessage({chatId, messageId}));
        if (result.ok)
            set({lastDeletion: {kind: "message", chatId, messageId, role}});
        return result;
    },
    async undoDelete() {
        const deletion = get().lastDeletion;
        if (deletion == null)
            return;
        set({lastDeletion: null});
        if (deletion.kind === "message")
            await get().showChangedChat(() => api.chats.restoreMessage({chatId: deletion.chatId, messageId: deletion.messageId}));
        else if (deletion.kind === "preset")
            await get().restorePreset(deletion.preset);
        else if ((await requestAction(get().reportError, () => api.chats.restore({chatId: deletion.chat.id}))).ok)
            await get().openChat(deletion.chat.id);
    },
    dismissUndo() {
        set({lastDeletion: null});
    }
});
