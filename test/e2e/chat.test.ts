import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {ensureFixtureModels} from "../fixtures/models/fixtureModels.ts";
import {expectedTexts} from "../fixtures/models/scriptedModel.ts";
import {chooseModel, showView} from "./support/ponderUi.ts";
import {openPonder, type PonderSession} from "./support/openPonder.ts";

let session: PonderSession;
let page: Page;

beforeAll(async () => {
    const fixtures = await ensureFixtureModels();
    session = await openPonder({
        models: {"qwq-tiny.gguf": fixtures.prefilled, "endless-thinker.gguf": fixtures.endlessLong, "broken.gguf": fixtures.notGguf},
        model: "qwq-tiny.gguf"
    });
    page = session.page;
});

afterAll(async () => {
    await session?.close();
});

/**
 * Records every state the reasoning disclosure of the newest assistant message passes through:
 * the tiny model thinks in milliseconds, faster than a test can look, but not faster than the DOM.
 */
async function recordReasoningStates() {
    await page.evaluate(() => {
        const states: Array<{summary: string; open: boolean}> = [];
        (window as unknown as {reasoningStates: typeof states}).reasoningStates = states;
        const record = () => {
            const details = [...document.querySelectorAll("article details")].at(-1) as HTMLDetailsElement | undefined;
            const summary = details?.querySelector("summary")?.textContent ?? "";
            const last = states.at(-1);
            if (details != null && (last?.summary !== summary || last.open !== details.open))
                states.push({summary, open: details.open});
        };
        new MutationObserver(record).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
    });
    return () => page.evaluate(() => (window as unknown as {reasoningStates: Array<{summary: string; open: boolean}>}).reasoningStates);
}

const composer = () => page.getByRole("textbox", {name: "Message"});
const lastAssistant = () => page.getByRole("article", {name: "Assistant"}).last();

describe("chatting with a reasoning model in Chromium", () => {
    test("the Model picker names the usable files (never by path) and the backend; the Models view lists a broken file with a clear error", async () => {
        const picker = page.getByRole("combobox", {name: "Model", exact: true});
        await expect.poll(() => picker.locator("optgroup option").count()).toBe(2);
        expect((await picker.locator("optgroup option").allTextContents()).every((name) => name.startsWith("Ponder scripted"))).toBe(true);
        await expect.poll(() => picker.getAttribute("title")).toBe("Runs on CPU");
        await showView(page, "Models");
        const installed = page.getByRole("list", {name: "On this computer"});
        await expect.poll(() => installed.getByRole("listitem").count()).toBe(3);
        await expect.poll(() => installed.getByRole("listitem").filter({hasText: "broken.gguf"}).textContent()).toContain("not a GGUF model file");
        expect(await installed.getByRole("listitem").filter({hasText: "endless"}).textContent()).toMatch(/qwen2/);
        await showView(page, "Back to chat");
    });

    test("ask, watch it think, see the reasoning fold when the answer comes, read the answer", async () => {
        await expect.poll(() => composer().isEditable()).toBe(true);
        const reasoningStates = await recordReasoningStates();
        await composer().fill("Hi there! How are you?");
        await composer().press("Enter");

        const summary = lastAssistant().locator("details > summary");
        await expect.poll(() => summary.textContent(), {timeout: 30_000}).toMatch(/^Thought for [\d.]+ s$/);
        await expect.poll(() => lastAssistant().textContent()).toContain(expectedTexts.answer);
        expect(await lastAssistant().locator("details").evaluate((details) => (details as HTMLDetailsElement).open)).toBe(false);

        const states = await reasoningStates();
        // It was open and read "Thinking…" while the model reasoned, then folded for the answer.
        expect(states.find((state) => state.summary.startsWith("Thinking…"))).toMatchObject({open: true});
        expect(states.at(-1)).toMatchObject({open: false});
        expect(states.at(-1)!.summary).toMatch(/^Thought for [\d.]+ s$/);
        // The summary and the stats line say the same time.
        await expect.poll(() => lastAssistant().getAttribute("aria-busy")).toBe("false");
        const seconds = /[\d.]+/.exec((await summary.textContent())!)![0];
        expect(await lastAssistant().getByRole("note", {name: "Statistics"}).textContent()).toContain(` · thought ${seconds} s · `);
        const answerText = await lastAssistant().textContent();
        expect(answerText).not.toMatch(/<\/?think>/);
    });

    test("after a reload the conversation is there, titled from its first message, with its reasoning", async () => {
        await page.reload();
        const conversations = page.getByRole("navigation", {name: "Conversations"});
        const chat = conversations.getByRole("button", {name: "Hi there! How are you?"}).or(conversations.getByRole("link", {name: "Hi there! How are you?"}));
        await expect.poll(() => chat.count()).toBe(1);
        await page.getByRole("button", {name: "New chat"}).click();
        await chat.click();

        const details = lastAssistant().locator("details");
        await expect.poll(() => details.locator("summary").textContent()).toMatch(/^Thought for [\d.]+ s$/);
        expect(await details.evaluate((element) => (element as HTMLDetailsElement).open)).toBe(false);
        await details.locator("summary").click();
        expect(await details.evaluate((element) => (element as HTMLDetailsElement).open)).toBe(true);
        await expect.poll(() => details.innerText()).toContain(expectedTexts.reasoning.replace(/\s+/g, " ").slice(0, 40));
        expect((await details.innerText()).replace(/\s+/g, " ")).toContain(expectedTexts.reasoning.replace(/\s+/g, " "));
    });

    test("a second message in the same chat gets its own answer", async () => {
        await composer().fill("And another thing?");
        await page.getByRole("button", {name: "Send"}).click();
        await expect.poll(() => page.getByRole("article", {name: "Assistant"}).count()).toBe(2);
        await expect.poll(() => lastAssistant().textContent(), {timeout: 30_000}).toContain(expectedTexts.answer);
    });

    test("Stop ends a model that would think forever, keeping its reasoning", async () => {
        await chooseModel(page, "endless-thinker.gguf");

        await page.getByRole("button", {name: "New chat"}).click();
        await composer().fill("Think about it forever");
        await page.getByRole("button", {name: "Send"}).click();
        await expect.poll(() => lastAssistant().locator("summary").textContent()).toMatch(/^Thinking…/);
        await page.getByRole("button", {name: "Stop"}).click();

        await expect.poll(() => lastAssistant().textContent()).toContain("Stopped");
        await expect.poll(() => page.getByRole("button", {name: "Send"}).count()).toBe(1);
        expect(await page.getByRole("button", {name: "Stop"}).count()).toBe(0);
        // With no answer to make room for, the stopped reasoning stays open.
        const details = lastAssistant().locator("details");
        expect(await details.evaluate((element) => (element as HTMLDetailsElement).open)).toBe(true);
        await expect.poll(() => details.locator("summary").textContent()).toMatch(/^Thought for [\d.]+ s$/);
        expect(await details.innerText()).toContain(expectedTexts.loop.trim().slice(0, 20));
    });

    test("the view follows the stream at the bottom; scrolled up, the text being read stays in place; back down, it follows again", async () => {
        // The endless model is loaded by the test above.
        await page.getByRole("button", {name: "New chat"}).click();
        await composer().fill("Think at length");
        await page.getByRole("button", {name: "Send"}).click();
        const scroller = page.locator(".messages");
        const written = () => lastAssistant().locator(".reasoning__text").evaluate((element) => element.textContent!.length);
        /** How far below the visible area the conversation goes on, and what text is at the top of that area, and where. */
        const view = () => scroller.evaluate((element) => {
            const box = element.getBoundingClientRect();
            const content = element.firstElementChild!.getBoundingClientRect();
            const caret = document.caretPositionFromPoint(box.left + box.width / 2, box.top + 40);
            return {
                belowView: Math.round(content.bottom - box.bottom),
                topText: caret?.offsetNode.textContent?.slice(caret.offset, caret.offset + 30) ?? "",
                topTextY: caret?.offsetNode.parentElement?.getBoundingClientRect().top ?? Number.NaN
            };
        });

        // Overflowing the view twice over, and still at the bottom (give or take the latest delta,
        // which the view catches up with in the frame that draws it).
        const atBottom = 100;
        await expect.poll(() => scroller.evaluate((element) => element.scrollHeight > element.clientHeight * 2), {timeout: 30_000}).toBe(true);
        await expect.poll(async () => (await view()).belowView).toBeLessThanOrEqual(atBottom);

        await scroller.hover();
        await page.mouse.wheel(0, -600);
        await expect.poll(async () => (await view()).belowView).toBeGreaterThan(400);
        // From here on, frame by frame, the view may only go up the conversation with the wheel, never down it by itself.
        await scroller.evaluate((element) => {
            const readPlaces: number[] = [];
            const sample = () => {
                readPlaces.push(element.getBoundingClientRect().top - element.firstElementChild!.getBoundingClientRect().top);
                if (readPlaces.length < 100_000 && !Object.hasOwn(window, "stopReadPlaces"))
                    requestAnimationFrame(sample);
            };
            Object.assign(window, {readPlaces});
            requestAnimationFrame(sample);
        });
        // The wheel scrolls smoothly, and under load for longer: read once the view has come to rest.
        let reading = await view();
        await expect.poll(async () => {
            const now = await view();
            const resting = now.topText === reading.topText && Math.abs(now.topTextY - reading.topTextY) <= 1;
            reading = now;
            return resting;
        }, {interval: 250}).toBe(true);
        expect(reading.topText).not.toBe("");
        // The reasoning goes on below (over chunks finishing); what the user reads doesn't move.
        const writtenThen = await written();
        await expect.poll(written, {timeout: 30_000}).toBeGreaterThan(writtenThen + 2500);
        const later = await view();
        expect(later.topText).toBe(reading.topText);
        expect(Math.abs(later.topTextY - reading.topTextY)).toBeLessThanOrEqual(1);
        const readPlaces = await page.evaluate(() => {
            Object.assign(window, {stopReadPlaces: true});
            return (window as unknown as {readPlaces: number[]}).readPlaces;
        });
        expect(readPlaces.length).toBeGreaterThan(10);
        const movesDown = readPlaces.slice(1).map((place, index) => place - readPlaces[index]!).filter((move) => move > 1);
        expect(movesDown).toEqual([]);

        // Scrolled back down to the bottom, the view follows the stream again. The scroll aims at
        // the bottom as it was when it began, and the stream (hundreds of tokens/s here) outgrows it: that
        // still counts as reaching the bottom.
        await page.mouse.wheel(0, 1_000_000);
        await expect.poll(async () => (await view()).belowView).toBeLessThanOrEqual(atBottom);
        const writtenAtBottom = await written();
        await expect.poll(written, {timeout: 30_000}).toBeGreaterThan(writtenAtBottom + 1000);
        await expect.poll(async () => (await view()).belowView).toBeLessThanOrEqual(atBottom);

        // A nudge up, less than the margin that catches up with the bottom, still stops following.
        await page.mouse.wheel(0, -60);
        await expect.poll(async () => (await view()).belowView).toBeGreaterThan(40);
        const writtenNudged = await written();
        await expect.poll(written, {timeout: 30_000}).toBeGreaterThan(writtenNudged + 1000);
        expect((await view()).belowView).toBeGreaterThan(atBottom);

        // Not following, the view offers "Jump to latest", which brings it down to follow again.
        const jump = page.getByRole("button", {name: /^Jump to latest/});
        await expect.poll(() => jump.isVisible()).toBe(true);
        await jump.click();
        await expect.poll(async () => (await view()).belowView).toBeLessThanOrEqual(atBottom);
        expect(await jump.count()).toBe(0);
        const writtenJumped = await written();
        await expect.poll(written, {timeout: 30_000}).toBeGreaterThan(writtenJumped + 1000);
        await expect.poll(async () => (await view()).belowView).toBeLessThanOrEqual(atBottom);

        await page.getByRole("button", {name: "Stop"}).click();
        await expect.poll(() => page.getByRole("button", {name: "Send"}).count()).toBe(1);
    });

    test("when serve restarts, the open page reconnects by itself and every conversation is still there", async () => {
        await session.restartServe(async () => {
            await expect.poll(() => page.getByText("Disconnected — reconnecting…").count()).toBe(1);
        });

        await expect.poll(() => page.getByText("Disconnected — reconnecting…").count(), {timeout: 20_000}).toBe(0);
        const conversations = page.getByRole("navigation", {name: "Conversations"});
        await expect.poll(() => conversations.getByText("Hi there! How are you?").count()).toBe(1);
        await expect.poll(() => conversations.getByText("Think about it forever").count()).toBe(1);
    });
});
