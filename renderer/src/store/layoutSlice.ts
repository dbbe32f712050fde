import type {StateCreator} from "zustand/vanilla";
import type {PonderState} from "./createPonderStore";

/** The main area's views: a chat, the model library, app-wide settings. */
export type View = "chat" | "models" | "settings";

export interface LayoutSlice {
    view: View;
    /** The conversation sidebar is shown; it can be collapsed to give the chat the width. */
    sidebarOpen: boolean;
    /** The chat's settings panel on the right is open. */
    chatPanelOpen: boolean;
    /** What the user has typed and not sent, per chat ("" key: a new chat), kept across views and chats. */
    drafts: Readonly<Record<string, string>>;
    /** Counts requests to put the focus in the composer (after a form that had it closes). */
    composerFocusRequests: number;
    showView(view: View): void;
    setSidebarOpen(open: boolean): void;
    setChatPanelOpen(open: boolean): void;
    setDraft(chatId: string | null, text: string): void;
    focusComposer(): void;
}

const sidebarKey = "ponder.sidebarOpen";

function readSidebarOpen(): boolean {
    try {
        return globalThis.localStorage?.getItem(sidebarKey) !== "false";
    } catch {
        return true;
    }
}

export const createLayoutSlice: StateCreator<PonderState, [], [], LayoutSlice> = (set) => ({
    view: "chat",
    sidebarOpen: readSidebarOpen(),
    chatPanelOpen: false,
    drafts: {},
    composerFocusRequests: 0,
    showView(view) {
        set({view});
    },
    setSidebarOpen(open) {
        try {
            globalThis.localStorage?.setItem(sidebarKey, String(open));
        } catch {
            // Not remembered across restarts, but applied now.
        }
        set({sidebarOpen: open});
    },
    setChatPanelOpen(open) {
        set({chatPanelOpen: open});
    },
    setDraft(chatId, text) {
        set((state) => ({drafts: {...state.drafts, [chatId ?? ""]: text}}));
    },
    focusComposer() {
        set((state) => ({composerFocusRequests: state.composerFocusRequests + 1}));
    }
});
