import type {Unsubscribe} from "../../../electron/contract";
import type {PonderStore} from "../store/createPonderStore";

/** The active chat lives in the address's hash (`#chat=<id>`), so a reload reopens it. */
const prefix = "#chat=";

export function chatIdFromLocation(): string | undefined {
    const {hash} = window.location;
    return hash.startsWith(prefix) ? decodeURIComponent(hash.slice(prefix.length)) : undefined;
}

/** Keeps the hash in step with the store's active chat, without adding history entries. */
export function syncChatLocation(store: PonderStore): Unsubscribe {
    return store.subscribe((state, previous) => {
        if (state.activeChatId === previous.activeChatId)
            return;

        const url = new URL(window.location.href);
        url.hash = state.activeChatId == null ? "" : prefix + encodeURIComponent(state.activeChatId);
        window.history.replaceState(window.history.state, "", url);
    });
}
