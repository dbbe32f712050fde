import type {StateCreator} from "zustand/vanilla";
import type {ChatListChange, ChatPage, ChatSummary, PonderApi} from "../../../electron/contract";
import {maxChatPageSize} from "../../../electron/contract/chats";
import {chatPageSize, compareChats} from "../../../electron/contract/values";
import type {PonderState} from "./createPonderStore";
import {requestAction} from "./requestAction";

/** The sidebar's list of chats, loaded a page at a time, and what is known of each chat (its summary). */
export interface ChatListSlice {
    /**
     * The top of the conversation list, as far as it is loaded: pinned chats first, then by last
     * activity. Always the first chats of the whole list, with none missing in between.
     */
    chatList: readonly ChatSummary[];
    /** Whether more chats follow the last one loaded. */
    moreChats: boolean;
    /** Every chat summary the renderer has seen (list pages, opened chats, changes), by id. */
    chatSummaries: Readonly<Record<string, ChatSummary>>;
    /** Replaces the list with its first page (a connect, an import). */
    setChatPage(page: ChatPage): void;
    applyChatListChange(change: ChatListChange): void;
    /** Loads the next page of the list; does nothing while one is loading or when none is left. */
    loadMoreChats(): Promise<void>;
    /** Opens the next (1) or previous (-1) chat in the list, loading the next page when the end is reached. */
    openAdjacentChat(step: 1 | -1): Promise<void>;
    renameChat(chatId: string, title: string): Promise<void>;
    setPinned(chatId: string, pinned: boolean): Promise<void>;
}

export const createChatListSlice = (api: PonderApi): StateCreator<PonderState, [], [], ChatListSlice> => (set, get) => {
    let loadingMore: Promise<void> | undefined;
    /** Bumped when the list is replaced, so a page asked for before that is dropped. */
    let generation = 0;

    async function reload() {
        const sequence = ++generation;
        // As many chats as were loaded, so the list the user scrolled through stays there.
        const result = await requestAction(get().reportError, () => api.chats.list({limit: Math.min(maxChatPageSize, Math.max(chatPageSize, get().chatList.length))}));
        if (result.ok && sequence === generation)
            get().setChatPage(result.value);
    }

    return {
        chatList: [],
        moreChats: false,
        chatSummaries: {},
        setChatPage(page) {
            generation++;
            set((state) => ({
                chatList: [...page.chats].sort(compareChats),
                moreChats: page.more,
                chatSummaries: {...state.chatSummaries, ...byId(page.chats)}
            }));
        },
        applyChatListChange(change) {
            if (change.kind === "reload") {
                void reload();
                return;
            }
            set((state) => {
                const id = change.kind === "upsert" ? change.chat.id : change.chatId;
                const chatList = state.chatList.filter((chat) => chat.id !== id);
                if (change.kind === "remove")
                    return {chatList};
                const {chat} = change;
                const chatSummaries = {...state.chatSummaries, [chat.id]: chat};
                // A chat that now sorts below the loaded part comes with a later page, in its place.
                const last = chatList.at(-1);
                if (state.moreChats && (last == null || compareChats(chat, last) > 0))
                    return {chatList, chatSummaries};
                const index = chatList.findIndex((other) => compareChats(chat, other) < 0);
                chatList.splice(index < 0 ? chatList.length : index, 0, chat);
                return {chatList, chatSummaries};
            });
            // Every loaded chat was deleted but more exist: nothing is left to page after, so start again from the top.
            if (get().chatList.length === 0 && get().moreChats)
                void reload();
        },
        async loadMoreChats() {
            const last = get().chatList.at(-1);
            if (loadingMore != null || !get().moreChats || last == null)
                return loadingMore;
            const sequence = generation;
            loadingMore = (async () => {
                const result = await requestAction(get().reportError,
                    () => api.chats.list({after: {id: last.id, pinned: last.pinned, updatedAt: last.updatedAt}, limit: chatPageSize}));
                loadingMore = undefined;
                if (!result.ok || sequence !== generation)
                    return;
                const page = result.value;
                set((state) => {
                    // A chat changed meanwhile may be in both; the list's copy came from the later change.
                    const known = new Set(state.chatList.map((chat) => chat.id));
                    const added = page.chats.filter((chat) => !known.has(chat.id));
                    return {
                        chatList: [...state.chatList, ...added].sort(compareChats),
                        moreChats: page.more,
                        chatSummaries: {...byId(added), ...state.chatSummaries}
                    };
                });
            })();
            return loadingMore;
        },
        async openAdjacentChat(step) {
            const indexOfActive = () => get().chatList.findIndex((chat) => chat.id === get().activeChatId);
            if (step === 1 && indexOfActive() === get().chatList.length - 1)
                await get().loadMoreChats();
            const list = get().chatList;
            const index = indexOfActive();
            const next = list[step === 1 ? index + 1 : index < 0 ? list.length - 1 : index - 1];
            if (next != null)
                await get().openChat(next.id);
        },
        async renameChat(chatId, title) {
            await requestAction(get().reportError, () => api.chats.update({chatId, title}));
        },
        async setPinned(chatId, pinned) {
            await requestAction(get().reportError, () => api.chats.update({chatId, pinned}));
        }
    };
};

function byId(chats: readonly ChatSummary[]): Record<string, ChatSummary> {
    return Object.fromEntries(chats.map((chat) => [chat.id, chat]));
}
