import {emptyChunkedText, isEmptyChunkedText} from "./ChunkedText";
import type {PonderState} from "./createPonderStore";

// Named selectors of the conversation slice.

export const activeChatSummary = (state: PonderState) => state.activeChatId == null ? undefined : state.chatSummaries[state.activeChatId];

/** The open chat's messages (its active branch) by id; undefined until loaded, or for a new chat. */
export const activeChatMessageIds = (state: PonderState) => state.activeChatId == null ? undefined : state.chatMessageIds[state.activeChatId];

// Selectors by message id. Each picks a value that a delta changes
// only when it must, so a component re-renders only for what it shows.

export const messageById = (id: string) => (state: PonderState) => state.messages[id];

/** Whether the message is streaming here (its text comes from deltas). */
export const isLive = (id: string) => (state: PonderState) => state.live[id] != null;

/** The finished chunks of a streaming reasoning: a new array only when a chunk is finished. */
export const liveReasoningChunks = (id: string) => (state: PonderState) => state.live[id]?.reasoning.chunks;

export const liveReasoningBegun = (id: string) => (state: PonderState) => !isEmptyChunkedText(state.live[id]?.reasoning ?? emptyChunkedText);

export const liveText = (id: string) => (state: PonderState) => state.live[id]?.text;

export const liveReasoningStartedAt = (id: string) => (state: PonderState) => state.live[id]?.reasoningStartedAt;

export const liveReasoningEndedAt = (id: string) => (state: PonderState) => state.live[id]?.reasoningEndedAt;
