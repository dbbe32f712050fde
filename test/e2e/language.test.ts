import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {ensureFixtureModels} from "../fixtures/models/fixtureModels.ts";
import {openPonder, type PonderSession} from "./support/openPonder.ts";

let session: PonderSession;
let page: Page;

beforeAll(async () => {
    const fixtures = await ensureFixtureModels();
    // The OS (here, the browser) says Simplified Chinese.
    session = await openPonder({models: {"qwq-tiny.gguf": fixtures.prefilled, "broken.gguf": fixtures.notGguf}, model: "qwq-tiny.gguf", locale: "zh-CN"});
    page = session.page;
});

afterAll(async () => {
    await session?.close();
});

/** Buttons, labels and headings whose text doesn't fit their box: a layout that didn't survive a language. */
function clippedControls() {
    return page.evaluate(() => [...document.querySelectorAll(".sidebar button, .sidebar label, .chat button, h1, h2, h3")]
        .filter((element) => element instanceof HTMLElement && element.offsetParent != null && element.scrollWidth > element.clientWidth + 1 && getComputedStyle(element).overflowX !== "visible")
        .map((element) => element.textContent));
}

describe("the UI in Simplified Chinese", () => {
    test("follows the OS language: the UI, the main side's messages and the date groups", async () => {
        await expect.poll(() => page.getByRole("button", {name: "新对话"}).count()).toBe(1);
        expect(await page.evaluate(() => document.documentElement.lang)).toBe("zh-CN");
        // The main side's own messages are translated too.
        await page.getByRole("complementary", {name: "对话侧栏"}).getByRole("button", {name: "模型", exact: true}).click();
        await expect.poll(() => page.getByText("无法使用此文件：这不是 GGUF 模型文件。").count()).toBe(1);
        await page.getByRole("button", {name: "返回对话"}).click();
        const composer = page.getByRole("textbox", {name: "消息"});
        await expect.poll(() => composer.isEditable()).toBe(true);

        await composer.fill("你好，请介绍一下你自己。");
        await composer.press("Enter");
        const reasoning = page.getByRole("article").nth(1).locator("details summary");
        await expect.poll(() => reasoning.textContent(), {timeout: 30_000}).toMatch(/^思考了 [\d.]+ 秒$/);
        await expect.poll(() => page.getByRole("navigation", {name: "对话"}).textContent()).toContain("今天");
        // The example prompts are translated too.
        await page.getByRole("button", {name: "新对话"}).click();
        await expect.poll(() => page.getByRole("region", {name: "试试这些问题"}).getByRole("button").count()).toBe(3);
        expect(await clippedControls()).toEqual([]);
    });

    test("a switch in Settings changes the language at once, and is remembered", async () => {
        await page.getByRole("complementary", {name: "对话侧栏"}).getByRole("button", {name: "设置", exact: true}).click();
        const language = page.getByRole("combobox", {name: "语言", exact: true});
        await language.selectOption({label: "English"});
        await expect.poll(() => page.getByRole("button", {name: "New chat"}).count()).toBe(1);
        expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
        expect(await clippedControls()).toEqual([]);

        await page.reload();
        await expect.poll(() => page.getByRole("button", {name: "New chat"}).count()).toBe(1);
        await page.getByRole("complementary", {name: "Conversations sidebar"}).getByRole("button", {name: "Settings", exact: true}).click();
        expect(await page.getByRole("combobox", {name: "Language", exact: true}).inputValue()).toBe("en");

        await page.getByRole("combobox", {name: "Language", exact: true}).selectOption({label: "System language"});
        await expect.poll(() => page.getByRole("button", {name: "新对话"}).count()).toBe(1);
    });
});
