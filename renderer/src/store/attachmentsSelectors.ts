import type {PonderState} from "./createPonderStore";

/** The context tokens the composer's uploaded documents take, counted before the message is sent. */
export const attachedTokens = (state: PonderState) =>
    state.pendingAttachments.reduce((total, pending) => total + (pending.status === "ready" ? pending.attachment.tokens : 0), 0);
