import type {StateCreator} from "zustand/vanilla";
import type {Chat, ChatDelta, ChatSummary, DocumentIndexing, EventPayloads, Message, MessageToolCall, PonderApi} from "../../../electron/contract";
import {appendChunked, chunkText} from "./ChunkedText";
import type {ChunkedText} from "./ChunkedText";
import type {PonderState} from "./createPonderStore";
import {requestAction} from "./requestAction";
import type {ActionResult} from "./requestAction";

/** The text of a message while it streams, fed by deltas. */
export interface LiveText {
    reasoning: ChunkedText;
    text: ChunkedText;
    reasoningStartedAt: number | null;
    reasoningEndedAt: number | null;
    /** The context tokens the conversation fills as of the latest delta; null until one says. */
    contextTokens: number | null;
}

/** The open conversation, and the messages of every chat loaded so far (kept as they stream). */
export interface ConversationSlice {
    /** The chat on screen; null for a new chat that has no message yet. */
    activeChatId: string | null;
    /** A message to bring into view (a search hit), until the list has done so. */
    focusedMessageId: string | null;
    /** Every loaded message by id, as the main side last sent it in full. */
    messages: Readonly<Record<string, Message>>;
    /**
     * Streaming messages' text by message id. Kept apart from `messages` so that a delta copies
     * this record of one or two entries rather than every loaded message, and appends to a short
     * tail string rather than rebuilding the whole text.
     */
    live: Readonly<Record<string, LiveText>>;
    /** The message ids of each loaded chat's active branch, oldest first. */
    chatMessageIds: Readonly<Record<string, readonly string[]>>;
    /** Per loaded chat: the versions (edits, regenerations) of each message on its branch that has any. */
    chatAlternatives: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
    applyDelta(delta: ChatDelta): void;
    applyMessage(message: Message): void;
    /** A streaming reply's tool call appeared or changed. */
    applyToolCall(event: {messageId: string; call: MessageToolCall}): void;
    /** How far a streaming reply's documents are indexed, by message id; absent once they are. */
    indexing: Readonly<Record<string, DocumentIndexing>>;
    /** A streaming reply's documents being indexed, or the passages it was given. */
    applySources(event: EventPayloads["chats.sources"]): void;
    /** Takes in a chat snapshot from `chats.get`, replacing what was known of its messages. */
    ingestChat(chat: Chat): void;
    /** Runs a request that changes a chat's branch (an edit, another version), then takes in the chat and shows it. */
    showChangedChat(request: () => Promise<Chat>): Promise<ActionResult<Chat>>;
    /** Shows a chat, fetching its messages the first time. */
    openChat(chatId: string): Promise<void>;
    startNewChat(): void;
    /** The active chat's id, creating the chat first when it is a new one (its settings are set before its first message). */
    ensureChat(): Promise<ActionResult<string>>;
    /** Shows another version of a message (and what followed it). */
    showVersion(chatId: string, messageId: string): Promise<void>;
    clearFocusedMessage(): void;
    updateChatSettings(chatId: string, settings: {systemPrompt?: string; sendReasoning?: boolean}): Promise<ActionResult<ChatSummary>>;
}

export const createConversationSlice = (api: PonderApi): StateCreator<PonderState, [], [], ConversationSlice> => (set, get) => ({
    activeChatId: null,
    focusedMessageId: null,
    messages: {},
    live: {},
    chatMessageIds: {},
    chatAlternatives: {},
    indexing: {},
    applySources({messageId, indexing, sources}) {
        set((state) => {
            const message = state.messages[messageId];
            const progress = {...state.indexing};
            if (indexing == null)
                delete progress[messageId];
            else
                progress[messageId] = indexing;
            return {
                indexing: progress,
                ...(message == null || sources.length === 0 ? {} : {messages: {...state.messages, [messageId]: {...message, sources}}})
            };
        });
    },
    applyDelta(delta) {
        set((state) => {
            // A delta may beat `chats.send`'s reply; its text is kept under the message id until then.
            const previous = state.live[delta.messageId] ?? liveTextOf(state.messages[delta.messageId]);
            return {
                live: {
                    ...state.live,
                    [delta.messageId]: {
                        reasoning: appendChunked(previous.reasoning, delta.reasoning),
                        text: appendChunked(previous.text, delta.text),
                        reasoningStartedAt: delta.reasoningStartedAt ?? previous.reasoningStartedAt,
                        reasoningEndedAt: delta.reasoningEndedAt ?? previous.reasoningEndedAt,
                        contextTokens: delta.contextTokens ?? previous.contextTokens
                    }
                }
            };
        });
    },
    applyMessage(message) {
        set((state) => {
            const chatIds = state.chatMessageIds[message.chatId];
            const live = {...state.live};
            let indexing = state.indexing;
            if (message.status !== "streaming") {
                delete live[message.id];
                if (indexing[message.id] != null) {
                    const rest = {...indexing};
                    delete rest[message.id];
                    indexing = rest;
                }
            }
            else if (live[message.id] == null)
                live[message.id] = liveTextOf(message);
            // else: while it streams the deltas already carry its text.

            return {
                messages: {...state.messages, [message.id]: message},
                live,
                indexing,
                // Messages of chats not loaded are fetched in full when the chat is opened.
                chatMessageIds: chatIds == null || chatIds.includes(message.id)
                    ? state.chatMessageIds
                    : {...state.chatMessageIds, [message.chatId]: [...chatIds, message.id]}
            };
        });
    },
    applyToolCall({messageId, call}) {
        set((state) => {
            const message = state.messages[messageId];
            // Not loaded yet: the message arrives whole, calls included, when its chat is opened or the reply ends.
            if (message == null)
                return {};
            const index = message.toolCalls.findIndex((candidate) => candidate.id === call.id);
            const toolCalls = index < 0 ? [...message.toolCalls, call] : message.toolCalls.map((candidate, at) => at === index ? call : candidate);
            return {messages: {...state.messages, [messageId]: {...message, toolCalls}}};
        });
    },
    ingestChat(chat) {
        set((state) => {
            const messages = {...state.messages};
            const live = {...state.live};
            for (const message of chat.messages) {
                messages[message.id] = message;
                // A stream only grows: deltas that overtook this snapshot hold more than it does.
                if (message.status === "streaming")
                    live[message.id] = longer(live[message.id], liveTextOf(message));
                else
                    delete live[message.id];
            }

            return {
                messages,
                live,
                chatSummaries: {...state.chatSummaries, [chat.summary.id]: chat.summary},
                chatMessageIds: {...state.chatMessageIds, [chat.summary.id]: chat.messages.map((message) => message.id)},
                chatAlternatives: {...state.chatAlternatives, [chat.summary.id]: chat.alternatives}
            };
        });
    },
    async showChangedChat(request) {
        const result = await requestAction(get().reportError, request);
        if (result.ok) {
            get().ingestChat(result.value);
            set({activeChatId: result.value.summary.id});
        }
        return result;
    },
    async openChat(chatId) {
        set({activeChatId: chatId, view: "chat"});
        if (get().chatMessageIds[chatId] != null)
            return;

        const result = await requestAction(get().reportError, () => api.chats.get({chatId}));
        if (result.ok)
            get().ingestChat(result.value);
        else if (get().activeChatId === chatId)
            set({activeChatId: null});
    },
    startNewChat() {
        set({activeChatId: null, view: "chat"});
    },
    async ensureChat() {
        const chatId = get().activeChatId;
        if (chatId != null)
            return {ok: true, value: chatId};
        const result = await requestAction(get().reportError, () => api.chats.create());
        if (!result.ok)
            return result;
        const chat = result.value;
        set((state) => ({
            chatSummaries: {...state.chatSummaries, [chat.id]: chat},
            chatMessageIds: {...state.chatMessageIds, [chat.id]: state.chatMessageIds[chat.id] ?? []},
            activeChatId: state.activeChatId ?? chat.id,
            // What was typed in the new chat stays with it.
            drafts: {...state.drafts, [chat.id]: state.drafts[""] ?? "", "": ""}
        }));
        return {ok: true, value: chat.id};
    },
    async showVersion(chatId, messageId) {
        await get().showChangedChat(() => api.chats.showMessage({chatId, messageId}));
    },
    clearFocusedMessage() {
        set({focusedMessageId: null});
    },
    updateChatSettings(chatId, settings) {
        return requestAction(get().reportError, () => api.chats.update({chatId, ...settings}));
    }
});

function longer(known: LiveText | undefined, snapshot: LiveText): LiveText {
    if (known == null)
        return snapshot;
    const size = (text: ChunkedText) => text.chunks.reduce((sum, chunk) => sum + chunk.length, text.tail.length);
    const length = (text: LiveText) => size(text.reasoning) + size(text.text);
    return length(known) > length(snapshot) ? known : snapshot;
}

function liveTextOf(message: Message | undefined): LiveText {
    return {
        reasoning: chunkText(message?.reasoning ?? ""),
        text: chunkText(message?.text ?? ""),
        reasoningStartedAt: message?.reasoningStartedAt ?? null,
        reasoningEndedAt: message?.reasoningEndedAt ?? null,
        contextTokens: null
    };
}
