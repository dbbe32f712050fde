import {renderToStaticMarkup} from "react-dom/server";
import {describe, expect, test} from "vitest";
import type {Message, PonderApi} from "../../../electron/contract.ts";
import {ContextMeter} from "../../../renderer/src/components/ContextMeter.tsx";
import {createPonderStore} from "../../../renderer/src/store/createPonderStore.ts";
import {PonderStoreProvider} from "../../../renderer/src/store/PonderStoreContext.tsx";

function message(id: string, extra: Partial<Message>): Message {
    return {
        id, chatId: "c1", role: "assistant", parentId: null, text: "", reasoning: "", status: "done",
        createdAt: 0, reasoningStartedAt: null, reasoningEndedAt: null, stats: null, error: null, toolCalls: [], ...extra
    };
}

const stats = (contextTokens: number) => ({
    modelId: "m", contextTokens, timeToFirstTokenMs: 1, tokensPerSecond: 1, reasoningMs: 0, reasoningTokens: 1, answerTokens: 1, stopReason: "finished" as const
});

/** A store with a loaded model of 4,096 tokens and chat c1 open: an earlier reply and one streaming. */
function storeWithStreamingReply() {
    const store = createPonderStore({} as PonderApi);
    store.getState().setRuntime({status: "ready", modelId: "m", contextSize: 4096});
    store.getState().ingestChat({
        summary: {id: "c1", title: "", createdAt: 0, updatedAt: 0, pinned: false, systemPrompt: "", sendReasoning: false},
        messages: [message("a1", {stats: stats(500)}), message("a2", {status: "streaming"})],
        alternatives: {}
    });
    store.setState({activeChatId: "c1"});
    return store;
}

function meterValue(store: ReturnType<typeof createPonderStore>): string | undefined {
    // Server rendering reads a store's initial state; make that the current one.
    const snapshot = {...store, getInitialState: store.getState};
    const html = renderToStaticMarkup(<PonderStoreProvider store={snapshot}><ContextMeter /></PonderStoreProvider>);
    return /<meter[^>]* value="(\d+)"/.exec(html)?.[1];
}

describe("ContextMeter", () => {
    test("fills while a reply streams, from the deltas' token counts in steps of 1/256 of the context, then shows the finished reply's exactly", () => {
        const store = storeWithStreamingReply();
        const delta = {chatId: "c1", messageId: "a2", text: "", reasoningStartedAt: 1, reasoningEndedAt: null};
        // Before the stream says anything, the latest known fill.
        expect(meterValue(store)).toBe("500");

        // 4,096 tokens of context: steps of 16, never below the fill before the reply.
        store.getState().applyDelta({...delta, reasoning: "Let", contextTokens: 510});
        expect(meterValue(store)).toBe("500");
        store.getState().applyDelta({...delta, reasoning: " me think", contextTokens: 620});
        expect(meterValue(store)).toBe("608");
        // The reasoning fills the context as it is written.
        store.getState().applyDelta({...delta, reasoning: " some more", contextTokens: 1800});
        expect(meterValue(store)).toBe("1792");
        // Within a step the meter stays as it is, so it isn't drawn again.
        store.getState().applyDelta({...delta, reasoning: " and", contextTokens: 1807});
        expect(meterValue(store)).toBe("1792");
        // A delta without a count (a remote engine) keeps the last one.
        store.getState().applyDelta({...delta, reasoning: "…"});
        expect(meterValue(store)).toBe("1792");

        store.getState().applyMessage(message("a2", {reasoning: "Let me think some more…", stats: stats(1850)}));
        expect(meterValue(store)).toBe("1850");
    });

    test("a reply whose prompt dropped the oldest turns shows the smaller fill as it is", () => {
        const store = storeWithStreamingReply();
        store.getState().applyDelta({chatId: "c1", messageId: "a2", reasoning: "Hm", text: "", reasoningStartedAt: 1, reasoningEndedAt: null, contextTokens: 301});
        expect(meterValue(store)).toBe("301");
    });

    test("the first reply of a chat fills from zero in steps", () => {
        const store = storeWithStreamingReply();
        store.getState().applyMessage(message("a1", {stats: null}));
        store.getState().applyDelta({chatId: "c1", messageId: "a2", reasoning: "Hm", text: "", reasoningStartedAt: 1, reasoningEndedAt: null, contextTokens: 45});
        expect(meterValue(store)).toBe("32");
    });
});
