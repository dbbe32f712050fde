import type {Page} from "playwright-core";
import {describe, expect, test} from "vitest";
import {expectedTexts} from "../fixtures/models/scriptedModel.ts";
import {openPonderForSuite} from "./support/openPonder.ts";

let page: Page;

openPonderForSuite((fixtures) => ({models: {"endless-thinker.gguf": fixtures.endless}, model: "endless-thinker.gguf"}), (opened) => page = opened.page);

const composer = () => page.getByRole("textbox", {name: "Message"});
const lastAssistant = () => page.getByRole("article", {name: "Assistant"}).last();
const conversations = () => page.getByRole("navigation", {name: "Conversations"});
const chatEntry = (title: string) => conversations().getByRole("listitem").filter({has: page.getByRole("button", {name: title, exact: true})});
const reasoningLength = () => lastAssistant().locator(".reasoning__text").evaluate((element) => element.textContent!.length);

/** Records the most chats the sidebar ever marked as generating at once: a short reply may come and go between two looks. */
async function recordGeneratingMarks() {
    await page.evaluate(() => {
        const record = {most: 0};
        (window as unknown as {generatingMarks: typeof record}).generatingMarks = record;
        new MutationObserver(() => {
            record.most = Math.max(record.most, document.querySelectorAll(".conversations__reply--generating").length);
        }).observe(document.body, {subtree: true, childList: true, characterData: true});
    });
    return () => page.evaluate(() => (window as unknown as {generatingMarks: {most: number}}).generatingMarks.most);
}

describe("several chats generating at once, in Chromium", () => {
    test("a second chat answers while the first still thinks; both are marked in the sidebar; Stop stops only the first", async () => {
        const mostGenerating = await recordGeneratingMarks();
        await expect.poll(() => composer().isEditable(), {timeout: 30_000}).toBe(true);
        await composer().fill("Prove it at length");
        await composer().press("Enter");
        await expect.poll(() => lastAssistant().locator("summary").textContent(), {timeout: 30_000}).toMatch(/^Thinking…/);
        await expect.poll(() => chatEntry("Prove it at length").getByText("Generating").count()).toBe(1);

        // A thinking budget for the model's next replies lets the endless thinker answer; the first reply keeps its own settings.
        await page.getByRole("button", {name: "Chat settings", exact: true}).click();
        await page.getByLabel("This model's defaults").check();
        await page.getByLabel("Thinking budget", {exact: true}).selectOption("custom");
        const custom = page.getByLabel("Custom thinking budget (tokens)");
        await custom.fill("200");
        await custom.blur();
        await expect.poll(() => page.getByRole("button", {name: "Reset Thinking budget"}).count()).toBe(1);

        await page.getByRole("button", {name: "New chat"}).click();
        await composer().fill("Quick question");
        await composer().press("Enter");
        await expect.poll(() => lastAssistant().textContent(), {timeout: 30_000}).toContain(expectedTexts.answer);
        expect(await mostGenerating()).toBe(2);
        // The first chat is still thinking, behind the scenes.
        await expect.poll(() => chatEntry("Quick question").getByText("Generating").count()).toBe(0);
        expect(await chatEntry("Prove it at length").getByText("Generating").count()).toBe(1);

        // Back in it, the reasoning streams on, live.
        await chatEntry("Prove it at length").getByRole("button", {name: "Prove it at length", exact: true}).click();
        await expect.poll(() => lastAssistant().locator("summary").textContent()).toMatch(/^Thinking…/);
        const before = await reasoningLength();
        await expect.poll(reasoningLength).toBeGreaterThan(before + 100);

        await page.getByRole("button", {name: "Stop"}).click();
        await expect.poll(() => lastAssistant().textContent()).toContain("Stopped");
        await expect.poll(() => chatEntry("Prove it at length").getByText("Generating").count()).toBe(0);
        // The other chat's answer is untouched.
        await chatEntry("Quick question").getByRole("button", {name: "Quick question", exact: true}).click();
        await expect.poll(() => lastAssistant().textContent()).toContain(expectedTexts.answer);
        expect(await lastAssistant().textContent()).not.toContain("Stopped");
    });
});
