import {chunkedLength, emptyChunkedText, isEmptyChunkedText} from "./ChunkedText";
import type {PonderState} from "./createPonderStore";

// Named selectors of the conversation slice.

export const activeChatSummary = (state: PonderState) => state.activeChatId == null ? undefined : state.chatSummaries[state.activeChatId];

/** The open chat's messages (its active branch) by id; undefined until loaded, or for a new chat. */
export const activeChatMessageIds = (state: PonderState) => state.activeChatId == null ? undefined : state.chatMessageIds[state.activeChatId];

/** Whether a reply is streaming in the chat (among its loaded messages). */
export const chatStreaming = (chatId: string | null) => (state: PonderState) =>
    (state.chatMessageIds[chatId ?? ""] ?? []).some((id) => state.messages[id]?.status === "streaming");

export const activeChatStreaming = (state: PonderState) => chatStreaming(state.activeChatId)(state);

/**
 * The open chat's context fill in tokens: live while a reply streams, moving in steps of `step`
 * (see {@link liveFill}), else as of the latest reply; null before any reply.
 */
export const activeContextUsed = (step: number) => (state: PonderState) => {
    const ids = state.chatMessageIds[state.activeChatId ?? ""] ?? [];
    let live: number | null = null;
    for (let index = ids.length - 1; index >= 0; index--) {
        const id = ids[index]!;
        live ??= state.live[id]?.contextTokens ?? null;
        const finished = state.messages[id]?.stats?.contextTokens;
        if (finished != null)
            return live == null ? finished : liveFill(live, finished, step);
    }
    return live == null ? null : liveFill(live, 0, step);
};

/**
 * A streaming reply's fill, rounded down to its step but never below the fill before it (the
 * meter mustn't step back as a reply begins), unless the context really shrank (oldest turns
 * dropped).
 */
function liveFill(live: number, before: number, step: number): number {
    return live < before ? live : Math.max(before, live - live % step);
}

// Selectors by message id. Each picks a value that a delta changes
// only when it must, so a component re-renders only for what it shows.

export const messageById = (id: string) => (state: PonderState) => state.messages[id];

/** Whether the message is streaming here (its text comes from deltas). */
export const isLive = (id: string) => (state: PonderState) => state.live[id] != null;

/** The finished chunks of a streaming reasoning: a new array only when a chunk is finished. */
export const liveReasoningChunks = (id: string) => (state: PonderState) => state.live[id]?.reasoning.chunks;

export const liveReasoningBegun = (id: string) => (state: PonderState) => !isEmptyChunkedText(state.live[id]?.reasoning ?? emptyChunkedText);

/** How much of a streaming reasoning has arrived, counted up to `limit`: past it, no delta re-renders. */
export const liveReasoningLengthUpTo = (id: string, limit: number) => (state: PonderState) => Math.min(chunkedLength(state.live[id]?.reasoning), limit);

export const liveText = (id: string) => (state: PonderState) => state.live[id]?.text;

export const liveReasoningStartedAt = (id: string) => (state: PonderState) => state.live[id]?.reasoningStartedAt;

export const liveReasoningEndedAt = (id: string) => (state: PonderState) => state.live[id]?.reasoningEndedAt;
