import type {StateCreator} from "zustand/vanilla";
import type {PonderApi} from "../../../electron/contract";
import type {ConnectionStatus} from "../bridge/PonderConnection";
import {newestFirst} from "./chatsSlice";
import type {PonderState} from "./createPonderStore";

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
        try {
            const [chats, modelFiles, runtime] = await Promise.all([
                api.chats.list(), api.models.list(), api.models.getState()
            ]);
            const chatList = newestFirst(chats);
            const activeChatId = chatToOpen === null
                ? null
                : chatList.find((chat) => chat.id === chatToOpen)?.id ?? chatList[0]?.id ?? null;
            const activeChat = activeChatId == null ? null : await api.chats.get({chatId: activeChatId});

            set({chatList, modelFiles, runtime, activeChatId, messages: {}, live: {}, chatMessageIds: {}});
            if (activeChat != null)
                get().ingestChat(activeChat);
        } catch (error) {
            get().reportError(error);
        }
    }
});
