import type {Page} from "playwright-core";
import {describe, expect, test} from "vitest";
import {openPonderForSuite, type PonderSession} from "./support/openPonder.ts";
import {showView} from "./support/ponderUi.ts";
import {useUiLanguage} from "./support/uiLanguage.ts";

let session: PonderSession;
let page: Page;

openPonderForSuite((fixtures) => ({models: {"qwq-tiny.gguf": fixtures.prefilled}, model: "qwq-tiny.gguf"}), (opened) => {
    session = opened;
    page = opened.page;
});

const usage = () => page.getByRole("status", {name: "Conversation memory used"});

describe("conversation memory in settings", () => {
    test("a chat's state saved at quit shows as used against the budget; the budget changes; Clear empties it", async () => {
        const composer = page.getByRole("textbox", {name: "Message"});
        await expect.poll(() => composer.isEditable(), {timeout: 30_000}).toBe(true);
        await composer.fill("Remember this conversation.");
        await composer.press("Enter");
        await expect.poll(() => page.getByRole("article", {name: "Assistant"}).last().getAttribute("aria-busy"), {timeout: 30_000}).toBe("false");

        await showView(page, "Settings");
        await expect.poll(() => usage().textContent()).toMatch(/^0 B used of 10 GB \(0 conversations\)$/);

        // A graceful stop unloads the model, which saves the chat's state.
        await session.restartServe();
        await page.reload();
        await showView(page, "Settings");
        await expect.poll(() => usage().textContent(), {timeout: 30_000}).toMatch(/^[\d.]+ [kM]B used of 10 GB \(1 conversation\)$/);

        const budget = page.getByLabel("Disk budget (GB)");
        await budget.fill("2");
        await budget.press("Enter");
        await expect.poll(() => usage().textContent()).toMatch(/ used of 2\sGB \(1 conversation\)$/);

        const clear = page.getByRole("button", {name: "Clear", exact: true});
        await clear.click();
        await expect.poll(() => usage().textContent()).toMatch(/^0 B used of 2 GB \(0 conversations\)$/);
        expect(await clear.isDisabled()).toBe(true);

        // The same byte formatter in Chinese.
        await useUiLanguage(page, "zh-CN");
        await page.getByRole("complementary", {name: "对话侧栏"}).getByRole("button", {name: "设置", exact: true}).click();
        await expect.poll(() => page.getByRole("status", {name: "已用的对话记忆"}).textContent()).toBe("已用 0 B，共 2 GB（0 个对话）");
        await useUiLanguage(page, "en");
    });
});
