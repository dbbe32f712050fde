import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {ensureFixtureModels} from "../fixtures/models/fixtureModels.ts";
import {openPonder, type PonderSession} from "./support/openPonder.ts";
import {useUiLanguage} from "./support/uiLanguage.ts";

let session: PonderSession;
let page: Page;

beforeAll(async () => {
    const fixtures = await ensureFixtureModels();
    session = await openPonder({
        models: {"qwq-tiny.gguf": fixtures.prefilled, "writes-think.gguf": fixtures.writesThink, "broken.gguf": fixtures.notGguf},
        model: "qwq-tiny.gguf"
    });
    page = session.page;
});

afterAll(async () => {
    await session?.close();
});

const lastAssistant = () => page.getByRole("article", {name: /^(Assistant|助手)$/}).last();
const stats = () => lastAssistant().getByRole("note");
const picker = () => page.getByRole("combobox", {name: /^(Model|模型)$/});

async function waitForAnswer() {
    await expect.poll(() => lastAssistant().getByRole("button", {name: /^(Regenerate|重新生成)$/}).count(), {timeout: 30_000}).toBe(1);
}

describe("Regenerate with another model…", () => {
    test("offers the other models by name, loads the one chosen and answers with it as a new version", async () => {
        const composer = page.getByRole("textbox", {name: "Message"});
        await expect.poll(() => composer.isEditable(), {timeout: 30_000}).toBe(true);
        await composer.fill("Which model answers?");
        await composer.press("Enter");
        await waitForAnswer();
        expect(await stats().textContent()).toMatch(/^Ponder scripted prefilled-think · /);

        const withAnother = lastAssistant().getByRole("combobox", {name: "Regenerate with another model"});
        // The loaded model and the file that can't load aren't offered.
        expect(await withAnother.locator("option").allTextContents()).toEqual(["With another model…", "Ponder scripted writes-think"]);
        await withAnother.selectOption({label: "Ponder scripted writes-think"});

        await expect.poll(() => picker().inputValue(), {timeout: 30_000}).toBe("writes-think.gguf");
        await expect.poll(() => lastAssistant().getByText("2 / 2").count(), {timeout: 30_000}).toBe(1);
        await waitForAnswer();
        expect(await stats().textContent()).toMatch(/^Ponder scripted writes-think · /);
        // The first answer is kept as version 1, with its own model.
        await lastAssistant().getByRole("button", {name: "Previous version"}).click();
        await expect.poll(() => stats().textContent()).toMatch(/^Ponder scripted prefilled-think · /);
    });

    test("in Chinese", async () => {
        await useUiLanguage(page, "zh-CN");
        const withAnother = lastAssistant().getByRole("combobox", {name: "用其他模型重新生成"});
        // writes-think is loaded now: the other one is offered.
        // After the reload the chat and the model list arrive a moment later.
        await expect.poll(() => withAnother.locator("option").allTextContents()).toEqual(["换个模型…", "Ponder scripted prefilled-think"]);
        await withAnother.selectOption({label: "Ponder scripted prefilled-think"});
        await expect.poll(() => picker().inputValue(), {timeout: 30_000}).toBe("qwq-tiny.gguf");
        await expect.poll(() => lastAssistant().getByText("3 / 3").count(), {timeout: 30_000}).toBe(1);
        await waitForAnswer();
        expect(await stats().textContent()).toMatch(/^Ponder scripted prefilled-think · /);
        await useUiLanguage(page, "en");
    });
});
