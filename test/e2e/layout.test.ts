import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {ensureFixtureModels} from "../fixtures/models/fixtureModels.ts";
import {expectedTexts} from "../fixtures/models/scriptedModel.ts";
import {openPonder, type PonderSession} from "./support/openPonder.ts";
import {chooseModel, showView} from "./support/ponderUi.ts";
import {useUiLanguage} from "./support/uiLanguage.ts";

let session: PonderSession;
let page: Page;

beforeAll(async () => {
    const fixtures = await ensureFixtureModels();
    session = await openPonder({
        models: {"qwq-tiny.gguf": fixtures.prefilled, "endless-thinker.gguf": fixtures.endless},
        model: "qwq-tiny.gguf",
        permissions: ["clipboard-read", "clipboard-write"]
    });
    page = session.page;
});

afterAll(async () => {
    await session?.close();
});

const composer = () => page.getByRole("textbox", {name: /^(Message|消息)$/});
const picker = () => page.getByRole("combobox", {name: /^(Model|模型)$/});

/**
 * Controls and headings that don't fit: text cut by their own box (one that ellipsizes on
 * purpose, with the whole text in its title, excepted), or a box reaching out of its pane.
 */
function layoutProblems() {
    return page.evaluate(() => {
        const problems: string[] = [];
        if (document.documentElement.scrollWidth > innerWidth + 1)
            problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${innerWidth})`);
        for (const element of document.querySelectorAll<HTMLElement>("button, label, select, input, textarea, h1, h2, h3, a, p, summary")) {
            const style = getComputedStyle(element);
            // Not shown, or hidden for screen readers' sake (a label, a file input behind its button).
            if (element.offsetParent == null || element.closest("dialog:not([open])") != null || style.clipPath !== "none" || element.getBoundingClientRect().width <= 1)
                continue;
            const name = `${element.tagName.toLowerCase()} “${(element.textContent || element.getAttribute("aria-label") || "").trim().slice(0, 40)}”`;
            const ellipsized = style.textOverflow === "ellipsis" && element.title !== "";
            if (!ellipsized && element.scrollWidth > element.clientWidth + 1 && style.overflowX !== "visible" && !["auto", "scroll"].includes(style.overflowX))
                problems.push(`${name} is clipped`);
            const pane = element.closest<HTMLElement>(".sidebar, .chat-panel, .workspace");
            if (pane == null)
                continue;
            const box = element.getBoundingClientRect();
            const paneBox = pane.getBoundingClientRect();
            if (box.width > 0 && (box.left < paneBox.left - 1 || box.right > paneBox.right + 1))
                problems.push(`${name} reaches out of its pane`);
        }
        return problems;
    });
}

/** The chat header's rows: its shown children, grouped by where they sit. */
function headerRows() {
    return page.evaluate(() => {
        const header = document.querySelector(".chat__header")!;
        const boxes = [...header.children].map((child) => child.getBoundingClientRect()).filter((box) => box.height > 0).sort((a, b) => a.top - b.top);
        let rows = 0;
        let rowBottom = -Infinity;
        for (const box of boxes) {
            if (box.top >= rowBottom - 1) {
                rows++;
                rowBottom = box.bottom;
            } else
                rowBottom = Math.max(rowBottom, box.bottom);
        }
        return rows;
    });
}

/** How many lines the empty composer takes for its placeholder. */
function composerLines() {
    return composer().evaluate((input) => {
        const style = getComputedStyle(input);
        const textHeight = input.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
        return Math.round(textHeight / parseFloat(style.lineHeight));
    });
}

/** A button beside a field that isn't level with it (its top and bottom against the field's, in px). */
function buttonsOffTheirFields() {
    return page.evaluate(() => [...document.querySelectorAll(".library__form, .state-cache .settings-view__row")].flatMap((row) => {
        const fields = [...row.querySelectorAll("input, select")];
        const field = fields.at(-1)?.getBoundingClientRect();
        if (field == null || field.height === 0)
            return [];
        return [...row.querySelectorAll(":scope > .button")].flatMap((button) => {
            const box = button.getBoundingClientRect();
            return Math.abs(box.top - field.top) > 1 || Math.abs(box.bottom - field.bottom) > 1
                ? [`“${button.textContent}” sits ${Math.round(box.top - field.top)}/${Math.round(box.bottom - field.bottom)} px off its field`]
                : [];
        });
    }));
}

describe("the layout", () => {
    test("the Model picker in the chat header names the models with how they fit, loads the one chosen showing its progress, and the stats line uses its name", async () => {
        await expect.poll(() => picker().inputValue()).toBe("qwq-tiny.gguf");
        const names = await picker().locator("optgroup option").allTextContents();
        expect(names).toHaveLength(2);
        for (const name of names)
            expect(name).not.toMatch(/\.gguf|\//);
        await composer().fill("Which model answers?");
        await composer().press("Enter");
        const answer = page.getByRole("article", {name: "Assistant"}).last();
        await expect.poll(() => answer.textContent(), {timeout: 30_000}).toContain(expectedTexts.answer);
        await expect.poll(() => answer.getByRole("note", {name: "Statistics"}).textContent()).toMatch(/^Ponder scripted prefilled-think · /);

        // Reached, the picker finds out how each model fits this machine and says so beside its name.
        await picker().focus();
        await expect.poll(() => picker().locator("optgroup option").allTextContents(), {timeout: 30_000}).toEqual(names.map((name) => `${name} — Runs on the CPU`));

        // The load shows its progress beside the picker.
        await page.evaluate(() => {
            const notes: string[] = [];
            Object.assign(window, {loadNotes: notes});
            new MutationObserver(() => {
                for (const note of document.querySelectorAll("[role=status]")) {
                    if (note.textContent?.startsWith("Loading") === true && !notes.includes(note.textContent))
                        notes.push(note.textContent);
                }
            }).observe(document.body, {subtree: true, childList: true, characterData: true});
        });
        await chooseModel(page, "endless-thinker.gguf");
        expect(await page.evaluate(() => (window as unknown as {loadNotes: string[]}).loadNotes)).toEqual(["Loading Ponder scripted prefilled-think endless…"]);
        await chooseModel(page, "qwq-tiny.gguf");
    });

    test("switching views keeps a half-typed message; the sidebar hides and comes back; the chat settings open on the right, on this chat, and the model's defaults show the model's values", async () => {
        await composer().fill("Half a thought");
        await showView(page, "Settings");
        await expect.poll(() => page.getByRole("heading", {name: "Generation defaults"}).count()).toBe(1);
        await showView(page, "Models");
        await showView(page, "Back to chat");
        expect(await composer().inputValue()).toBe("Half a thought");

        await page.getByRole("button", {name: "Hide conversations"}).click();
        expect(await page.getByRole("complementary", {name: "Conversations sidebar"}).count()).toBe(0);
        await page.getByRole("button", {name: "Show conversations"}).click();
        await expect.poll(() => page.getByRole("searchbox", {name: "Search conversations"}).count()).toBe(1);

        await page.getByRole("button", {name: "Chat settings"}).click();
        const panel = page.getByRole("complementary", {name: "Chat settings"});
        await expect.poll(() => panel.getByRole("textbox", {name: "System prompt"}).count()).toBe(1);
        // Inside a chat they start on this chat only; the model's defaults show the model's values, not the chat's.
        const temperature = panel.getByLabel("Temperature", {exact: true});
        expect(await panel.getByLabel("This chat only").isChecked()).toBe(true);
        await temperature.fill("0.3");
        await temperature.blur();
        await expect.poll(() => panel.getByRole("button", {name: "Reset Temperature"}).count()).toBe(1);
        await panel.getByLabel("This model's defaults").check();
        await expect.poll(() => temperature.inputValue()).toBe("0.6");
        await panel.getByLabel("This chat only").check();
        await expect.poll(() => temperature.inputValue()).toBe("0.3");
        await panel.getByRole("button", {name: "Reset this chat's settings"}).click();
        await expect.poll(() => temperature.inputValue()).toBe("0.6");
        await panel.getByRole("button", {name: "Close chat settings"}).click();
        expect(await panel.count()).toBe(0);
        await composer().fill("");
    });

    test("the theme is chosen in Settings: light, dark, or the system's", async () => {
        const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        await showView(page, "Settings");
        const theme = page.getByRole("combobox", {name: "Theme"});
        await theme.selectOption("dark");
        await expect.poll(background).toBe("rgb(28, 29, 32)");
        await page.reload();
        await expect.poll(background).toBe("rgb(28, 29, 32)");
        await showView(page, "Settings");
        await page.getByRole("combobox", {name: "Theme"}).selectOption("light");
        await expect.poll(background).toBe("rgb(255, 255, 255)");
        await page.getByRole("combobox", {name: "Theme"}).selectOption("system");
        await page.emulateMedia({colorScheme: "dark"});
        await expect.poll(background).toBe("rgb(28, 29, 32)");
        await page.emulateMedia({colorScheme: "light"});
        await expect.poll(background).toBe("rgb(255, 255, 255)");
        await showView(page, "Back to chat");
    });

    test("the \"copied\" feedback is as small as the actions beside it, and goes away", async () => {
        await page.setViewportSize({width: 1280, height: 800});
        const answer = page.getByRole("article", {name: "Assistant"}).last();
        await answer.getByRole("button", {name: "Copy reasoning"}).click();
        const feedback = answer.getByRole("status").filter({hasText: "Reasoning copied"});
        await expect.poll(() => feedback.count()).toBe(1);
        const fontSize = (locator: typeof feedback) => locator.evaluate((element) => getComputedStyle(element).fontSize);
        expect(await fontSize(feedback)).toBe(await fontSize(answer.getByRole("button", {name: "Copy reasoning"})));
        // And it goes away by itself.
        await expect.poll(() => feedback.count(), {timeout: 10_000}).toBe(0);
        await page.setViewportSize({width: 1280, height: 860});
    });

    test("nothing is clipped or leaves its pane, at 900×700 and 1280×800, in English and Chinese", async () => {
        const found: string[] = [];
        for (const language of ["en", "zh-CN"] as const) {
            await useUiLanguage(page, language);
            const settingsLabel = language === "en" ? "Settings" : "设置";
            const modelsLabel = language === "en" ? "Models" : "模型";
            const chatSettings = language === "en" ? "Chat settings" : "对话设置";
            const back = language === "en" ? "Back to chat" : "返回对话";
            const sidebar = page.getByRole("complementary", {name: language === "en" ? "Conversations sidebar" : "对话侧栏"});
            for (const [width, height] of [[900, 700], [1280, 800]] as const) {
                await page.setViewportSize({width, height});
                await expect.poll(() => picker().isVisible()).toBe(true);
                const check = async (where: string) => found.push(...(await layoutProblems()).map((problem) => `${language} ${width}×${height} ${where}: ${problem}`));
                const checkCompact = async (where: string) => {
                    const rows = await headerRows();
                    if (rows > 2)
                        found.push(`${language} ${width}×${height} ${where}: the chat header takes ${rows} rows`);
                    // The picker is never cut short to squeeze beside the title.
                    if (await picker().evaluate((select: HTMLSelectElement) => {
                        const style = getComputedStyle(select);
                        const context = document.createElement("canvas").getContext("2d")!;
                        context.font = style.font;
                        const arrow = 20;
                        return context.measureText(select.selectedOptions[0]?.text ?? "").width + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight) + arrow > select.clientWidth;
                    }))
                        found.push(`${language} ${width}×${height} ${where}: the Model picker is squeezed`);
                    const lines = await composerLines();
                    if (lines > 2)
                        found.push(`${language} ${width}×${height} ${where}: the composer's placeholder takes ${lines} lines`);
                };
                await check("chat");
                await checkCompact("chat");
                await page.getByRole("button", {name: chatSettings, exact: true}).click();
                await check("chat with its settings");
                await checkCompact("chat with its settings");
                await page.getByRole("button", {name: chatSettings, exact: true}).click();
                await sidebar.getByRole("button", {name: modelsLabel, exact: true}).click();
                await check("models");
                found.push(...(await buttonsOffTheirFields()).map((problem) => `${language} ${width}×${height} models: ${problem}`));
                await sidebar.getByRole("button", {name: settingsLabel, exact: true}).click();
                await check("settings");
                found.push(...(await buttonsOffTheirFields()).map((problem) => `${language} ${width}×${height} settings: ${problem}`));
                await page.getByRole("button", {name: back}).click();
            }
        }
        await page.setViewportSize({width: 1280, height: 860});
        await useUiLanguage(page, "en");
        expect(found).toEqual([]);
    });
});
