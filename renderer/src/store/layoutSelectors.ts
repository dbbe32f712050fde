import type {PonderState} from "./createPonderStore";

// Named selectors of the layout slice.

/** The chat panel is open and the chat view, where it belongs, is shown. */
export const chatPanelShown = (state: PonderState) => state.chatPanelOpen && state.view === "chat";
