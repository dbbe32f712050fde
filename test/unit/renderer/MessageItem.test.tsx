import {renderToStaticMarkup} from "react-dom/server";
import {describe, expect, test} from "vitest";
import type {EventPayloads, Message, MessageStats, MessageToolCall, PonderApi} from "../../../electron/contract.ts";
import {i18n} from "../../../renderer/src/i18n/i18n.ts";
import {MessageItem} from "../../../renderer/src/components/MessageItem.tsx";
import {createPonderStore} from "../../../renderer/src/store/createPonderStore.ts";
import {PonderStoreProvider} from "../../../renderer/src/store/PonderStoreContext.tsx";

function assistant(extra: Partial<Message>): Message {
    return {
        id: "a1", chatId: "c1", role: "assistant", parentId: null, text: "", reasoning: "", status: "done",
        createdAt: 0, reasoningStartedAt: null, reasoningEndedAt: null, stats: null, error: null, toolCalls: [], ...extra
    };
}

/** Renders one message from a fresh store holding it (these tests never reach the main side). */
function render(message: Message, delta?: {reasoning: string; text: string}, sources?: EventPayloads["chats.sources"]): string {
    const store = createPonderStore({} as PonderApi);
    store.getState().ingestChat({summary: {id: "c1", title: "", createdAt: 0, updatedAt: 0, pinned: false, systemPrompt: "", sendReasoning: false}, messages: [message], alternatives: {}});
    if (sources != null)
        store.getState().applySources(sources);
    if (delta != null)
        store.getState().applyDelta({chatId: "c1", messageId: message.id, ...delta, reasoningStartedAt: null, reasoningEndedAt: null});

    // Server rendering reads a store's initial state; make that the state just built.
    const snapshot = {...store, getInitialState: store.getState};
    return renderToStaticMarkup(<PonderStoreProvider store={snapshot}><MessageItem id={message.id} /></PonderStoreProvider>);
}

describe("MessageItem", () => {
    test("while the model thinks, the reasoning is open and counts seconds", () => {
        const html = render(assistant({status: "streaming", reasoningStartedAt: Date.now() - 3400}), {reasoning: "Let me factor 1001.", text: ""});

        expect(html).toContain("<details class=\"reasoning\" open=\"\">");
        expect(html).toContain(">Thinking… 3 s</summary>");
        expect(html).toContain("Let me factor 1001.");
        expect(html).toContain("aria-label=\"Assistant\"");
    });

    test("once answered, the reasoning folds and says how long it took", () => {
        const html = render(assistant({reasoning: "7 × 143.", text: "No: 1001 = 7 × 11 × 13.", reasoningStartedAt: 1000, reasoningEndedAt: 13_600}));

        expect(html).toContain("<details class=\"reasoning\">");
        expect(html).toContain(">Thought for 13 s</summary>");
        expect(html).toContain("No: 1001 = 7 × 11 × 13.");
    });

    test("the reasoning's summary and the stats line give the same thinking time, a quick one in tenths, in either language", async () => {
        const stats: MessageStats = {
            modelId: "qwq.gguf", timeToFirstTokenMs: 18, tokensPerSecond: 40, reasoningMs: 230, reasoningTokens: 24, answerTokens: 10, stopReason: "finished"
        };
        // The clock's timestamps differ a little from the engine's count; the stats line's time wins.
        const quick = assistant({reasoning: "Hm.", text: "Hello!", reasoningStartedAt: 1000, reasoningEndedAt: 1040, stats});
        let html = render(quick);
        expect(html).toContain(">Thought for 0.2 s</summary>");
        expect(html).toContain(" · thought 0.2 s · ");
        expect(render({...quick, stats: {...stats, reasoningMs: 30}})).toContain(">Thought for 0.1 s</summary>");
        expect(render({...quick, stats: {...stats, reasoningMs: 12_345}})).toContain(" · thought 12 s · ");

        await i18n.changeLanguage("zh-CN");
        try {
            html = render(quick);
            expect(html).toContain(">思考了 0.2 秒</summary>");
            expect(html).toContain(" · 思考 0.2 秒 · ");
        } finally {
            await i18n.changeLanguage("en");
        }
    });

    test("tool calls sit in the timeline where they were made: think → call → result → think, then call → answer", () => {
        const call = (id: string, extra: Partial<MessageToolCall>): MessageToolCall => ({
            id, name: "forecast", serverName: "trouble", arguments: "{}", status: "done", result: `result of ${id}`, isError: false,
            truncatedFromChars: null, error: null, reasoningOffset: 0, textOffset: 0, durationMs: 5, ...extra
        });
        const html = render(assistant({
            reasoning: "Checking the forecast.\n\nSunny it is.",
            text: "Let me look.\n\nIt's sunny in Paris!",
            reasoningStartedAt: 1000, reasoningEndedAt: 3000,
            toolCalls: [
                call("first", {reasoningOffset: "Checking the forecast.".length, segment: "reasoning"}),
                call("second", {reasoningOffset: "Checking the forecast.\n\nSunny it is.".length, textOffset: "Let me look.".length, segment: "answer"})
            ]
        }));
        const order = ["Checking the forecast.", "result of first", "Sunny it is.", "class=\"answer", "Let me look.", "result of second", "It's sunny in Paris!"]
            .map((text) => html.indexOf(text));
        expect(order, html).not.toContain(-1);
        expect(order).toEqual([...order].sort((a, b) => a - b));
        // The separating line breaks stay out of the stretches.
        expect(html).not.toContain(">\n\nSunny");
        // A message from before calls kept their segment: placed by where the reasoning went on.
        const older = render(assistant({reasoning: "Before.After.", text: "Done.", toolCalls: [call("old", {reasoningOffset: 7})]}));
        expect(older.indexOf("result of old")).toBeLessThan(older.indexOf("After."));
    });

    test("on hover a message tells its time, and its full date once it is older than a day", () => {
        const now = Date.now();
        const title = (createdAt: number) => /title="([^"]*)"/.exec(render(assistant({text: "Hi.", createdAt})))![1];
        expect(title(now - 60_000)).toBe(new Intl.DateTimeFormat("en", {timeStyle: "short"}).format(now - 60_000));
        const twoDaysAgo = now - 2 * 24 * 60 * 60 * 1000;
        expect(title(twoDaysAgo)).toBe(new Intl.DateTimeFormat("en", {dateStyle: "full", timeStyle: "short"}).format(twoDaysAgo));
        expect(title(twoDaysAgo)).toContain(String(new Date(twoDaysAgo).getFullYear()));
    });

    test("a message without reasoning has no disclosure", () => {
        const html = render(assistant({text: "Hello!"}));

        expect(html).not.toContain("<details");
        expect(html).toContain("Hello!");
    });

    test("stopped, failed and interrupted messages say so", () => {
        expect(render(assistant({status: "stopped", text: "Partial"}))).toContain(">Stopped</p>");
        expect(render(assistant({status: "error", error: "Out of memory"}))).toContain(">Error: Out of memory</p>");
        expect(render(assistant({status: "interrupted"}))).toContain("Interrupted");
    });

    test("a user message is an article labelled as the user's", () => {
        const html = render({...assistant({text: "Is 1001 prime?"}), role: "user"});

        // Its time is told on hover, with the full date once it is older than a day.
        expect(html).toMatch(/<article class="message message--user" aria-label="You" title="[^"]*1970[^"]*">/);
        expect(html).toContain("Is 1001 prime?");
    });

    test("an answer from searched documents lists its passages by file and page, each opening to its text", () => {
        const source = {attachmentId: "f".repeat(64), name: "book.pdf", page: 37, piece: 40, text: "Lava hardens into basalt."};
        const html = render(assistant({text: "Basalt [1].", sources: [source, {...source, name: "notes.md", page: null, piece: 2, text: "Basalt is dark."}]}));

        expect(html).toContain("aria-label=\"Sources\"");
        expect(html).toContain("<summary>[1] book.pdf · page 37</summary><blockquote class=\"sources__text\">Lava hardens into basalt.</blockquote>");
        expect(html).toContain("<summary>[2] notes.md</summary>");
    });

    test("while documents are indexed, the reply says how far; the passages arrive before the answer", () => {
        const source = {attachmentId: "f".repeat(64), name: "book.pdf", page: 3, piece: 4, text: "Dough rises."};
        const indexing = render(assistant({status: "streaming"}), undefined, {chatId: "c1", messageId: "a1", indexing: {name: "book.pdf", done: 32, total: 120}, sources: []});
        expect(indexing).toContain("Indexing book.pdf for search: 32 of 120 passages.");
        expect(indexing).toContain("<progress class=\"sources__progress\" max=\"120\" value=\"32\"");

        const chosen = render(assistant({status: "streaming"}), undefined, {chatId: "c1", messageId: "a1", indexing: null, sources: [source]});
        expect(chosen).not.toContain("Indexing");
        expect(chosen).toContain("[1] book.pdf · page 3");
    });
});
