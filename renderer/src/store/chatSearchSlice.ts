import type {StateCreator} from "zustand/vanilla";
import type {PonderApi, SearchHit} from "../../../electron/contract";
import type {PonderState} from "./createPonderStore";
import {requestAction} from "./requestAction";

/** The sidebar's search through every chat's messages. */
export interface ChatSearchSlice {
    searchQuery: string;
    /** Results of `searchQuery`; null while there is no query. */
    searchHits: readonly SearchHit[] | null;
    search(query: string): Promise<void>;
    /** Shows the hit's message on its chat's branch and brings it into view. */
    openSearchHit(hit: SearchHit): Promise<void>;
}

export const createChatSearchSlice = (api: PonderApi): StateCreator<PonderState, [], [], ChatSearchSlice> => (set, get) => {
    let searchSequence = 0;

    return {
        searchQuery: "",
        searchHits: null,
        async search(query) {
            const sequence = ++searchSequence;
            set({searchQuery: query});
            if (query.trim() === "") {
                set({searchHits: null});
                return;
            }
            const result = await requestAction(get().reportError, () => api.chats.search({query}));
            // A later keystroke's search supersedes this one.
            if (result.ok && sequence === searchSequence)
                set({searchHits: result.value});
        },
        async openSearchHit(hit) {
            await get().showChangedChat(() => api.chats.showMessage({chatId: hit.chatId, messageId: hit.messageId}));
            set({focusedMessageId: hit.messageId});
        }
    };
};
