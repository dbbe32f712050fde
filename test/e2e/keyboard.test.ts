import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {ensureFixtureModels} from "../fixtures/models/fixtureModels.ts";
import {openPonder, type PonderSession} from "./support/openPonder.ts";
import {showView} from "./support/ponderUi.ts";
import {useUiLanguage} from "./support/uiLanguage.ts";

let session: PonderSession;
let page: Page;

beforeAll(async () => {
    const fixtures = await ensureFixtureModels();
    session = await openPonder({models: {"endless-thinker.gguf": fixtures.endless}, model: "endless-thinker.gguf", serveArgs: ["--hub-url", "http://127.0.0.1:9"]});
    page = session.page;
});

afterAll(async () => {
    await session?.close();
});

const composer = () => page.getByRole("textbox", {name: "Message"});
const lastAssistant = () => page.getByRole("article", {name: "Assistant"}).last();
const focusedName = () => page.evaluate(() => (document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent ?? "").trim());
const focusedVisible = () => page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    return element != null && element.offsetParent != null && element.getBoundingClientRect().width > 1;
});

async function askAndStopWithEscape(text: string) {
    await page.keyboard.type(text);
    await page.keyboard.press("Enter");
    await expect.poll(() => lastAssistant().locator("summary").textContent(), {timeout: 30_000}).toMatch(/^Thinking…/);
    // Long enough to be shown in several chunks.
    await expect.poll(async () => (await lastAssistant().locator("details").innerText()).length, {timeout: 30_000}).toBeGreaterThan(4000);
    await page.keyboard.press("Escape");
    await expect.poll(() => lastAssistant().textContent()).toContain("Stopped");
}

describe("the keyboard alone", () => {
    test("new chat → ask → stop → search → open → settings, with the shortcuts listed on Ctrl+/", async () => {
        await expect.poll(() => composer().isEditable(), {timeout: 30_000}).toBe(true);
        await page.keyboard.press("Control+Shift+O");
        await composer().focus();
        await askAndStopWithEscape("Keyboard journey, part one");
        await page.keyboard.press("Control+Shift+O");
        await askAndStopWithEscape("Another keyboard journey");
        expect(await composer().evaluate((element) => element === document.activeElement)).toBe(true);

        // Both questions match, in two chats; each chat is listed once.
        await page.keyboard.press("Control+k");
        await page.keyboard.type("journey");
        const results = page.getByRole("list", {name: "Search results"});
        await expect.poll(() => results.getByRole("listitem").count()).toBe(2);
        await page.keyboard.press("Tab");
        expect(await focusedName()).toMatch(/journey/i);
        await page.keyboard.press("Enter");
        await expect.poll(() => page.getByRole("heading", {level: 1}).textContent()).toMatch(/journey/i);

        await page.keyboard.press("Control+/");
        const shortcuts = page.getByRole("dialog", {name: "Keyboard shortcuts"});
        await expect.poll(() => shortcuts.isVisible()).toBe(true);
        await page.keyboard.press("Escape");
        await expect.poll(() => shortcuts.isVisible()).toBe(false);

        await page.keyboard.press("Control+,");
        await expect.poll(() => page.getByRole("heading", {level: 1}).textContent()).toBe("Settings");
        await page.keyboard.press("Escape");
        await expect.poll(() => page.getByRole("heading", {level: 1}).textContent()).toMatch(/journey/i);
    });

    test("a chat row is one Tab stop; its actions are reached with the arrows and are visible when focused", async () => {
        const search = page.getByRole("searchbox", {name: "Search conversations"});
        await search.fill("");
        const rows = page.getByRole("navigation", {name: "Conversations"}).getByRole("listitem");
        await expect.poll(() => rows.count()).toBe(2);
        await rows.first().locator(".conversations__item").focus();
        await page.keyboard.press("Tab");
        // Past both rows' actions: the next stop is the second chat.
        expect(await page.evaluate(() => document.activeElement?.classList.contains("conversations__item"))).toBe(true);
        await page.keyboard.press("ArrowRight");
        expect(await focusedName()).toBe("Rename");
        expect(await focusedVisible()).toBe(true);
        await page.keyboard.press("ArrowRight");
        expect(await focusedName()).toMatch(/^(Pin|Unpin)$/);
        await page.keyboard.press("Escape");
        expect(await page.evaluate(() => document.activeElement?.classList.contains("conversations__item"))).toBe(true);
    });

    test("every Tab stop of the chat view shows where the focus is, the file input behind Import JSON through its label", async () => {
        // From the start of the page, once round.
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        const stops: string[] = [];
        for (let press = 0; press < 60; press++) {
            await page.keyboard.press("Tab");
            const stop = await page.evaluate(() => {
                const element = document.activeElement as HTMLElement | null;
                if (element == null || element === document.body)
                    return null;
                const box = element.getBoundingClientRect();
                // A visually hidden control (a styled file input) shows its focus on the label standing for it.
                const shown = box.width > 1 && box.height > 1 ? element
                    : [...(element as HTMLInputElement).labels ?? []].find((label) => label.getBoundingClientRect().width > 1);
                const ring = shown == null ? "none" : getComputedStyle(shown).boxShadow + getComputedStyle(shown).outlineStyle;
                return {name: (element.getAttribute("aria-label") ?? (element as HTMLInputElement).labels?.[0]?.textContent ?? element.textContent ?? "").trim().slice(0, 40), visible: shown != null && ring !== "nonenone"};
            });
            if (stop == null && stops.length > 0)
                break;
            if (stop == null)
                continue;
            stops.push(stop.name);
            expect(stop.visible, `Tab stop ${stops.length} "${stop.name}" after ${stops.slice(-4, -1).join(" → ")}`).toBe(true);
        }
        expect(stops).toContain("Import JSON");
    });

    test("a long reasoning folds from its end; messages tell their time on hover", async () => {
        const details = lastAssistant().locator("details");
        expect(await details.evaluate((element) => (element as HTMLDetailsElement).open)).toBe(true);
        await lastAssistant().getByRole("button", {name: "Collapse reasoning"}).click();
        await expect.poll(() => details.evaluate((element) => (element as HTMLDetailsElement).open)).toBe(false);
        expect(await lastAssistant().getAttribute("title")).toMatch(/^\d{1,2}:\d{2}( [AP]M)?$/);
    });

    test("the edit box keeps the focus in view: Escape returns it to Edit, Enter sends and puts it in the composer, where Escape stops the reply", async () => {
        const question = page.getByRole("article", {name: "You"}).last();
        await question.getByRole("button", {name: "Edit"}).click();
        const editBox = question.getByRole("textbox", {name: "Edit message"});
        await expect.poll(() => editBox.evaluate((element) => element === document.activeElement)).toBe(true);
        await page.keyboard.press("Escape");
        await expect.poll(() => focusedName()).toBe("Edit");

        await page.keyboard.press("Enter");
        await expect.poll(() => editBox.evaluate((element) => element === document.activeElement)).toBe(true);
        await page.keyboard.press("End");
        await page.keyboard.type(", edited");
        await page.keyboard.press("Enter");
        await expect.poll(() => composer().evaluate((element) => element === document.activeElement)).toBe(true);
        await expect.poll(() => lastAssistant().locator("summary").textContent(), {timeout: 30_000}).toMatch(/^Thinking…/);
        await page.keyboard.press("Escape");
        await expect.poll(() => lastAssistant().textContent()).toContain("Stopped");
    });

    test("in Chinese a mixture-of-experts model's size is said in Chinese, and remote engines and the API say what they are for", async () => {
        await useUiLanguage(page, "zh-CN");
        await page.getByRole("complementary", {name: "对话侧栏"}).getByRole("button", {name: "模型", exact: true}).click();
        await expect.poll(() => page.getByRole("list", {name: "模型目录"}).textContent()).toContain("30.5B（激活 3.3B）");
        await page.getByRole("complementary", {name: "对话侧栏"}).getByRole("button", {name: "设置", exact: true}).click();
        expect(await page.getByRole("region", {name: "远程引擎"}).textContent()).toContain("Ollama（http://localhost:11434）");
        expect(await page.getByRole("region", {name: "本地 API"}).textContent()).toContain("让这台电脑上的其他应用");
        await useUiLanguage(page, "en");
        await showView(page, "Settings");
        expect(await page.getByRole("region", {name: "Remote engines"}).textContent()).toContain("Ollama (http://localhost:11434)");
        expect(await page.getByRole("region", {name: "Local API"}).textContent()).toContain("Let other apps on this computer");
    });
});
