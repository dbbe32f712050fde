import type {Page} from "playwright-core";
import {describe, expect, test} from "vitest";
import {openPonderForSuite} from "./support/openPonder.ts";
import {showView} from "./support/ponderUi.ts";
import {useUiLanguage} from "./support/uiLanguage.ts";

let page: Page;

openPonderForSuite((fixtures) => ({models: {"qwq-tiny.gguf": fixtures.prefilled, "writes-think.gguf": fixtures.writesThink}, model: "qwq-tiny.gguf"}), (opened) => page = opened.page);

const composer = () => page.getByRole("textbox", {name: "Message"});
const articles = () => page.getByRole("article");
const conversations = () => page.getByRole("navigation", {name: "Conversations"});
const undo = () => page.getByRole("status").getByRole("button", {name: "Undo"});
/** What has the focus, by its accessible name (or its text), and whether it is shown. */
const focused = () => page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (element == null || element === document.body)
        return "the page body";
    const name = (element.getAttribute("aria-label") ?? (element as HTMLInputElement).labels?.[0]?.textContent ?? element.textContent ?? "").trim();
    return element.offsetParent != null && element.getBoundingClientRect().width > 1 ? name : `${name} (not shown)`;
});

async function ask(text: string) {
    await expect.poll(() => composer().isEditable(), {timeout: 30_000}).toBe(true);
    const before = await articles().count();
    await composer().fill(text);
    await composer().press("Enter");
    await expect.poll(() => articles().count()).toBe(before + 2);
    await expect.poll(() => articles().last().getByRole("button", {name: "Regenerate"}).count(), {timeout: 30_000}).toBe(1);
}

/** Presses a control from the keyboard, as a user who reached it with Tab or the arrows. */
async function press(control: ReturnType<Page["getByRole"]>) {
    await control.focus();
    await page.keyboard.press("Enter");
}

describe("deleting one of many: the focus goes to a neighbour, never to the page", () => {
    test("a message: the focus goes to the composer, and after Undo too; the undo covers no control", async () => {
        await ask("First chat's question");
        await press(articles().last().getByRole("button", {name: "Delete message"}));
        await expect.poll(() => articles().count()).toBe(1);
        await expect.poll(focused).toBe("Message");
        // The undo takes its own room: no control is under it.
        expect(await undo().evaluate((button) => {
            const bar = button.closest("[role=status]")!.getBoundingClientRect();
            return [...document.querySelectorAll<HTMLElement>("button, input, textarea, select, a")].filter((control) => {
                const box = control.getBoundingClientRect();
                return box.width > 1 && !button.parentElement!.contains(control) &&
                    box.left < bar.right && box.right > bar.left && box.top < bar.bottom && box.bottom > bar.top;
            }).map((control) => control.getAttribute("aria-label") ?? control.textContent);
        })).toEqual([]);

        await press(undo());
        await expect.poll(() => articles().count()).toBe(2);
        await expect.poll(focused).toBe("Message");
    });

    test("a chat: the focus goes to the next chat in the list (or the one before), and after Undo to the composer", async () => {
        await page.getByRole("button", {name: "New chat"}).first().click();
        await ask("Second chat's question");
        const rows = () => conversations().locator(".conversations__item");
        await expect.poll(() => rows().allTextContents()).toEqual(["Second chat's question", "First chat's question"]);

        // The last chat of the list, not the open one: only the one before it is left to go to.
        await rows().last().focus();
        for (const action of ["Rename", "Pin", "Delete"]) {
            await page.keyboard.press("ArrowRight");
            await expect.poll(focused).toBe(action);
        }
        await page.keyboard.press("Enter");
        await expect.poll(() => rows().allTextContents()).toEqual(["Second chat's question"]);
        await expect.poll(focused).toBe("Second chat's question");

        await press(undo());
        await expect.poll(() => rows().count()).toBe(2);
        await expect.poll(focused).toBe("Message");
    });

    test("a preset: the focus goes to the next preset's Delete, after the last to Save as preset…; Manage presets stays open across the undo", async () => {
        await page.getByRole("button", {name: "Chat settings"}).click();
        const panel = page.getByRole("complementary", {name: "Chat settings"});
        for (const name of ["Brig", "Sloop"]) {
            await panel.getByRole("button", {name: "Save as preset…"}).click();
            await panel.getByRole("textbox", {name: "Preset name"}).fill(name);
            await panel.getByRole("button", {name: "Save preset"}).click();
            await expect.poll(() => panel.getByRole("combobox", {name: "Preset", exact: true}).locator("option").allTextContents()).toContain(name);
        }
        await panel.getByText("Manage presets").click();

        await press(panel.getByRole("button", {name: "Delete preset Brig"}));
        await expect.poll(() => panel.getByRole("button", {name: "Delete preset Brig"}).count()).toBe(0);
        await expect.poll(focused).toBe("Delete preset Sloop");
        await page.keyboard.press("Enter");
        await expect.poll(() => panel.getByRole("button", {name: "Delete preset Sloop"}).count()).toBe(0);
        await expect.poll(focused).toBe("Save as preset…");

        // The list comes back as it was left: open, its Delete buttons shown.
        await undo().click();
        await expect.poll(() => panel.getByRole("button", {name: "Delete preset Sloop"}).isVisible()).toBe(true);
        await panel.getByRole("button", {name: "Close chat settings"}).click();
    });
});

describe("search lists each chat once", () => {
    test("a chat whose answer matches in two versions is one result, beside the other chat that matches", async () => {
        // The scripted reasoning says "greeting": regenerated, the second chat holds it twice.
        await conversations().locator(".conversations__item").filter({hasText: "Second chat's question"}).click();
        await articles().last().getByRole("button", {name: "Regenerate"}).click();
        await expect.poll(() => articles().last().getByText("2 / 2").count(), {timeout: 30_000}).toBe(1);
        await expect.poll(() => articles().last().getByRole("button", {name: "Regenerate"}).count(), {timeout: 30_000}).toBe(1);

        await page.getByRole("searchbox", {name: "Search conversations"}).fill("greeting");
        const results = conversations().getByRole("list", {name: "Search results"});
        await expect.poll(() => results.getByRole("listitem").count()).toBe(2);
        expect((await results.getByRole("listitem").allTextContents()).filter((text) => text.includes("Second chat's question"))).toHaveLength(1);
        await page.getByRole("searchbox", {name: "Search conversations"}).fill("");
    });
});

describe("in a list of models, each button names its model", () => {
    test.each([
        {language: "en" as const, models: "Models", load: "Load", unload: "Unload", remove: "Delete", fit: "Will it fit?"},
        {language: "zh-CN" as const, models: "模型", load: "加载", unload: "卸载", remove: "删除", fit: "检查能否运行"}
    ])("$language: Load, Unload, Delete and Will it fit", async ({language, models, load, unload, remove, fit}) => {
        await useUiLanguage(page, language);
        if (language === "en")
            await showView(page, "Models");
        else
            await page.getByRole("complementary", {name: "对话侧栏"}).getByRole("button", {name: models, exact: true}).click();
        const loaded = page.getByRole("listitem", {name: "Ponder scripted prefilled-think", exact: true});
        const other = page.getByRole("listitem", {name: "Ponder scripted writes-think", exact: true});
        const names = async (item: typeof loaded) => (await item.getByRole("button").evaluateAll((buttons) => buttons.map((button) => button.getAttribute("aria-label") ?? button.textContent))).sort();
        await expect.poll(() => names(loaded)).toEqual([
            `${remove} Ponder scripted prefilled-think`,
            `${unload} Ponder scripted prefilled-think`,
            language === "en" ? `${fit} (Ponder scripted prefilled-think)` : `${fit}（Ponder scripted prefilled-think）`
        ].sort());
        expect(await names(other)).toEqual([
            `${remove} Ponder scripted writes-think`,
            `${load} Ponder scripted writes-think`,
            language === "en" ? `${fit} (Ponder scripted writes-think)` : `${fit}（Ponder scripted writes-think）`
        ].sort());
    });
});
