import type {StateCreator} from "zustand/vanilla";
import type {PonderState} from "./createPonderStore";

/** The main area's views: a chat, the model library, app-wide settings. */
export type View = "chat" | "models" | "settings";

/** Which view is shown and which side panels are open. */
export interface LayoutSlice {
    view: View;
    /** The conversation sidebar is shown; it can be collapsed to give the chat the width. */
    sidebarOpen: boolean;
    /** The chat's settings panel on the right is open. */
    chatPanelOpen: boolean;
    showView(view: View): void;
    setSidebarOpen(open: boolean): void;
    setChatPanelOpen(open: boolean): void;
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
    }
});
