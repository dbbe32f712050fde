import type {StateCreator} from "zustand/vanilla";
import type {Chat, PonderApi} from "../../../electron/contract";
import type {ConnectionStatus} from "../bridge/PonderConnection";
import {chatPageSize} from "../../../electron/contract/values";
import type {PonderState} from "./createPonderStore";
import {requestAction} from "./requestAction";

export interface ConnectionSlice {
    connection: ConnectionStatus;
    setConnection(status: ConnectionStatus): void;
    /**
     * Loads everything from the main side, replacing what the store had (after a connect or a
     * reconnect, when events may have been missed). Opens `chatToOpen` if it still exists, stays
     * on a new chat for null, and otherwise opens the most recent chat.
     */
    resync(chatToOpen: string | null | undefined): Promise<void>;
}

export const createConnectionSlice = (api: PonderApi): StateCreator<PonderState, [], [], ConnectionSlice> => (set, get) => ({
    connection: "connecting",
    setConnection(status) {
        set({connection: status});
    },
    async resync(chatToOpen) {
        const result = await requestAction(get().reportError, async () => {
            const [page, modelFiles, runtime] = await Promise.all([
                api.chats.list({limit: chatPageSize}), api.models.list(), api.models.getState()
            ]);
            const mostRecent = page.chats[0]?.id;
            // The remembered chat may be further down than the first page, or gone.
            let activeChat: Chat | null = null;
            if (chatToOpen != null)
                activeChat = await api.chats.get({chatId: chatToOpen}).catch(() => null);
            if (activeChat == null && chatToOpen !== null && mostRecent != null)
                activeChat = await api.chats.get({chatId: mostRecent});
            return {page, modelFiles, runtime, activeChat};
        });
        if (!result.ok)
            return;
        const {page, modelFiles, runtime, activeChat} = result.value;
        set({modelFiles, modelsListed: true, runtime, activeChatId: activeChat?.summary.id ?? null, messages: {}, live: {}, chatMessageIds: {}, chatSummaries: {}});
        get().setChatPage(page);
        if (activeChat != null)
            get().ingestChat(activeChat);
    }
});
