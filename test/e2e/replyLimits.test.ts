import type {Page} from "playwright-core";
import {describe, expect, test} from "vitest";
import {expectedTexts} from "../fixtures/models/scriptedModel.ts";
import {openPonderForSuite} from "./support/openPonder.ts";
import {useUiLanguage} from "./support/uiLanguage.ts";

const composer = (page: Page) => page.getByRole("textbox", {name: /^(Message|消息)$/});
const lastAssistant = (page: Page) => page.getByRole("article", {name: /^(Assistant|助手)$/}).last();
const regenerate = (page: Page) => lastAssistant(page).getByRole("button", {name: /^(Regenerate|重新生成)$/});

async function ask(page: Page, text: string) {
    await expect.poll(() => composer(page).isEditable(), {timeout: 30_000}).toBe(true);
    await composer(page).fill(text);
    await composer(page).press("Enter");
}

describe("Answer now, while the model reasons", () => {
    let page: Page;
    // A model whose reasoning never ends by itself: only closing it makes it answer.
    openPonderForSuite((fixtures) => ({models: {"endless-thinker.gguf": fixtures.endless}, model: "endless-thinker.gguf"}), (opened) => page = opened.page);

    test.each([
        {language: "en" as const, answerNow: "Answer now", thinking: /^Thinking…/, thought: /^Thought for/},
        {language: "zh-CN" as const, answerNow: "立即回答", thinking: /^思考中/, thought: /^思考了/}
    ])("$language: closes the reasoning and the model answers", async ({language, answerNow, thinking, thought}) => {
        await useUiLanguage(page, language);
        const button = page.getByRole("button", {name: answerNow, exact: true});
        expect(await button.count()).toBe(0);
        await ask(page, `Think, then answer (${language})`);
        await expect.poll(() => lastAssistant(page).locator("summary").textContent(), {timeout: 30_000}).toMatch(thinking);
        await expect.poll(() => button.isEnabled()).toBe(true);
        await button.click();

        await expect.poll(() => regenerate(page).count(), {timeout: 30_000}).toBe(1);
        const reply = lastAssistant(page);
        expect(await reply.locator(".answer").innerText()).toBe(expectedTexts.answer);
        // Folded as a finished reasoning, and not blamed on a thinking budget.
        expect(await reply.locator("summary").textContent()).toMatch(thought);
        expect(await reply.locator("details").getAttribute("open")).toBeNull();
        expect(await reply.getByRole("note").textContent()).not.toMatch(/budget|预算/);
        // Once the answer is there, there is nothing to answer now.
        expect(await button.count()).toBe(0);
    });
});

describe("run-on reasoning", () => {
    let page: Page;
    openPonderForSuite((fixtures) => ({models: {"endless-thinker.gguf": fixtures.endless}, model: "endless-thinker.gguf"}), (opened) => page = opened.page);

    test("a reasoning with no line break is laid out in blocks that end between sentences, never inside one", async () => {
        await ask(page, "Think on and on");
        const reasoning = lastAssistant(page).locator("details");
        // The endless model's loop has no line break: only sentence ends ("…") to cut at.
        await expect.poll(async () => (await reasoning.innerText()).length, {timeout: 60_000}).toBeGreaterThan(9000);
        await page.getByRole("button", {name: "Answer now", exact: true}).click();
        await expect.poll(() => regenerate(page).count(), {timeout: 30_000}).toBe(1);
        await reasoning.locator("summary").click();

        const blocks = await reasoning.locator(".reasoning__text > *").allTextContents();
        expect(blocks.length).toBeGreaterThan(2);
        for (const block of blocks.slice(0, -1))
            expect(block).toMatch(/or does it… $/);
        // Nothing lost or doubled at the cuts.
        expect(blocks.join("")).toContain(expectedTexts.loop.repeat(3));
    });
});

describe("a reply stopped by the context", () => {
    let page: Page;
    // A small context that an endless reasoning fills quickly.
    openPonderForSuite((fixtures) => ({models: {"endless-thinker.gguf": fixtures.endless}, model: "endless-thinker.gguf", serveArgs: ["--context-size", "256"]}), (opened) => page = opened.page);

    test.each([
        {
            language: "en" as const,
            says: "Stopped: the conversation filled the model's context (256 tokens), so it can't be continued.",
            helps: ["Thinking budget", "Context size", "Drop the oldest messages"],
            stats: "context full",
            continueName: "Continue"
        },
        {
            language: "zh-CN" as const,
            says: "已停止：对话已填满模型的上下文（256 个 token），无法继续。",
            helps: ["思考预算", "上下文大小", "丢弃最早的消息"],
            stats: "上下文已满",
            continueName: "继续"
        }
    ])("$language: says which limit it hit and what helps, without offering Continue", async ({language, says, helps, stats, continueName}) => {
        await useUiLanguage(page, language);
        await page.getByRole("button", {name: /^(New chat|新对话)$/}).first().click();
        await ask(page, `Think until the context is full (${language})`);
        await expect.poll(() => regenerate(page).count(), {timeout: 60_000}).toBe(1);

        const reply = lastAssistant(page);
        const note = reply.locator(".message__status").filter({hasText: says});
        expect(await note.count()).toBe(1);
        const noteText = await note.textContent();
        for (const help of helps)
            expect(noteText).toContain(help);
        expect(await reply.getByRole("note").textContent()).toContain(stats);
        expect(await reply.getByRole("button", {name: continueName, exact: true}).count()).toBe(0);
        // Regenerating is still offered: with a budget or a larger context it can go another way.
        expect(await regenerate(page).isEnabled()).toBe(true);
    });
});
