import type {PonderState} from "./createPonderStore";

// Named selectors of the composer slice.

/** What is typed in the open chat's composer (a new chat's under ""). */
export const activeDraft = (state: PonderState) => state.drafts[state.activeChatId ?? ""] ?? "";

/** The context tokens the composer's uploaded documents take, counted before the message is sent. */
export const attachedTokens = (state: PonderState) =>
    state.pendingAttachments.reduce((total, pending) => total + (pending.status === "ready" ? pending.attachment.tokens : 0), 0);
