import type {StateCreator} from "zustand/vanilla";
import type {Chat, PonderApi, RequestResults, ToolConsent} from "../../../electron/contract";
import type {PonderState} from "./createPonderStore";
import {requestAction} from "./requestAction";
import type {ActionResult} from "./requestAction";

/** Asking for replies: sending, editing, regenerating and continuing, and steering one while it streams. */
export interface RepliesSlice {
    /** Sends a message in the active chat (or starts one) with the composer's ready attachments. */
    send(text: string): Promise<ActionResult<RequestResults["chats.send"]>>;
    stop(): Promise<void>;
    /** "Answer now": the active chat's reply closes its reasoning and answers. */
    answerNow(): Promise<void>;
    /** The user's answer to a tool call that waits for consent in a chat's reply. */
    answerToolCall(chatId: string, callId: string, decision: ToolConsent): Promise<void>;
    editMessage(chatId: string, messageId: string, text: string): Promise<ActionResult<Chat>>;
    regenerate(chatId: string, messageId: string): Promise<void>;
    /** Loads another model, then regenerates the answer with it (nothing when the load failed, which is shown). */
    regenerateWith(chatId: string, messageId: string, modelId: string): Promise<void>;
    continueMessage(chatId: string, messageId: string): Promise<void>;
}

export const createRepliesSlice = (api: PonderApi): StateCreator<PonderState, [], [], RepliesSlice> => (set, get) => ({
    async send(text) {
        const fromChatId = get().activeChatId;
        const attachments = get().pendingAttachments.flatMap((pending) => pending.status === "ready" ? [{id: pending.attachment.id, name: pending.name}] : []);
        const result = await requestAction(get().reportError,
            () => api.chats.send({...(fromChatId == null ? {} : {chatId: fromChatId}), text, ...(attachments.length === 0 ? {} : {attachments})}));
        if (!result.ok)
            return result;
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
        return result;
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
    },
    editMessage(chatId, messageId, text) {
        return get().showChangedChat(() => api.chats.edit({chatId, messageId, text}));
    },
    async regenerate(chatId, messageId) {
        await get().showChangedChat(() => api.chats.regenerate({chatId, messageId}));
    },
    async regenerateWith(chatId, messageId, modelId) {
        await get().loadModel(modelId);
        const {runtime} = get();
        if (runtime.status === "ready" && runtime.modelId === modelId)
            await get().regenerate(chatId, messageId);
    },
    async continueMessage(chatId, messageId) {
        // The message's new state arrives as an update, before this reply.
        await requestAction(get().reportError, () => api.chats.continue({chatId, messageId}));
    }
});
