import type {PonderState} from "./createPonderStore";

// Named selectors of the open chat.

export const activeChatSummary = (state: PonderState) => state.activeChatId == null ? undefined : state.chatSummaries[state.activeChatId];

/** The open chat's messages (its active branch) by id; undefined until loaded, or for a new chat. */
export const activeChatMessageIds = (state: PonderState) => state.activeChatId == null ? undefined : state.chatMessageIds[state.activeChatId];

/** What is typed in the open chat's composer (a new chat's under ""). */
export const activeDraft = (state: PonderState) => state.drafts[state.activeChatId ?? ""] ?? "";
