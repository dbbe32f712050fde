import type {StateCreator} from "zustand/vanilla";
import type {PonderApi, ToolConsent} from "../../../electron/contract";
import type {PonderState} from "./createPonderStore";
import {requestAction} from "./requestAction";

export interface ChatsSlice {
    /** The chat on screen; null for a new chat that has no message yet. */
    activeChatId: string | null;
    /** Shows a chat, fetching its messages the first time. */
    openChat(chatId: string): Promise<void>;
    startNewChat(): void;
    /** The active chat's id, creating the chat first when it is a new one (its settings are set before its first message). */
    ensureChat(): Promise<string | null>;
    /** Sends a message in the active chat (or starts one) with the composer's ready attachments; false when it failed (already reported). */
    send(text: string): Promise<boolean>;
    stop(): Promise<void>;
    /** "Answer now": the active chat's reply closes its reasoning and answers. */
    answerNow(): Promise<void>;
    /** The user's answer to a tool call that waits for consent in a chat's reply. */
    answerToolCall(chatId: string, callId: string, decision: ToolConsent): Promise<void>;
}

export const createChatsSlice = (api: PonderApi): StateCreator<PonderState, [], [], ChatsSlice> => (set, get) => ({
    activeChatId: null,
    async openChat(chatId) {
        set({activeChatId: chatId, view: "chat"});
        if (get().chatMessageIds[chatId] != null)
            return;

        const result = await requestAction(get().reportError, () => api.chats.get({chatId}));
        if (result.ok)
            get().ingestChat(result.value);
        else if (get().activeChatId === chatId)
            set({activeChatId: null});
    },
    startNewChat() {
        set({activeChatId: null, view: "chat"});
    },
    async ensureChat() {
        const chatId = get().activeChatId;
        if (chatId != null)
            return chatId;
        const result = await requestAction(get().reportError, () => api.chats.create());
        if (!result.ok)
            return null;
        const chat = result.value;
        set((state) => ({
            chatSummaries: {...state.chatSummaries, [chat.id]: chat},
            chatMessageIds: {...state.chatMessageIds, [chat.id]: state.chatMessageIds[chat.id] ?? []},
            activeChatId: state.activeChatId ?? chat.id,
            // What was typed in the new chat stays with it.
            drafts: {...state.drafts, [chat.id]: state.drafts[""] ?? "", "": ""}
        }));
        return chat.id;
    },
    async send(text) {
        const fromChatId = get().activeChatId;
        const attachments = get().pendingAttachments.flatMap((pending) => pending.status === "ready" ? [{id: pending.attachment.id, name: pending.name}] : []);
        const result = await requestAction(get().reportError,
            () => api.chats.send({...(fromChatId == null ? {} : {chatId: fromChatId}), text, ...(attachments.length === 0 ? {} : {attachments})}));
        if (!result.ok)
            return false;
        const {chatId, userMessage, assistantMessage} = result.value;
        get().clearPendingAttachments();

        set((state) => ({
            chatMessageIds: {...state.chatMessageIds, [chatId]: state.chatMessageIds[chatId] ?? []},
            // Follow a new chat to its id, unless the user went elsewhere meanwhile.
            activeChatId: state.activeChatId === fromChatId ? chatId : state.activeChatId
        }));
        for (const message of [userMessage, assistantMessage]) {
            // An update that overtook this reply is newer than the reply's copy.
            if (get().messages[message.id] == null)
                get().applyMessage(message);
        }
        return true;
    },
    async answerToolCall(chatId, callId, decision) {
        await requestAction(get().reportError, () => api.chats.answerToolCall({chatId, callId, decision}));
    },
    async stop() {
        const chatId = get().activeChatId;
        if (chatId == null)
            return;

        await requestAction(get().reportError, () => api.chats.stop({chatId}));
    },
    async answerNow() {
        const chatId = get().activeChatId;
        if (chatId == null)
            return;

        await requestAction(get().reportError, () => api.chats.answerNow({chatId}));
    }
});
