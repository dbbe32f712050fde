import type {Page} from "playwright-core";
import {describe, expect, test} from "vitest";
import {expectedTexts} from "../fixtures/models/scriptedModel.ts";
import {openPonderForSuite} from "./support/openPonder.ts";
import {useUiLanguage} from "./support/uiLanguage.ts";

let page: Page;

openPonderForSuite((fixtures) => ({models: {"qwq-tiny.gguf": fixtures.prefilled}, model: "qwq-tiny.gguf"}), (opened) => page = opened.page);

const composer = () => page.getByRole("textbox", {name: /^(Message|消息)$/});
const articles = () => page.getByRole("article");
const texts = async () => (await articles().allTextContents()).map((text) => text.includes(expectedTexts.answer) ? "answer" : /Q\d/.exec(text)?.[0]);

async function ask(text: string) {
    await expect.poll(() => composer().isEditable()).toBe(true);
    const before = await articles().count();
    await composer().fill(text);
    await composer().press("Enter");
    await expect.poll(() => articles().count()).toBe(before + 2);
    await expect.poll(() => articles().last().getByRole("button", {name: /^(Regenerate|重新生成)$/}).count(), {timeout: 30_000}).toBe(1);
}

describe("deleting one message", () => {
    test("deleting the first question keeps the rest of the conversation, and Undo brings it back", async () => {
        await ask("Q1 first question");
        await ask("Q2 second question");
        expect(await texts()).toEqual(["Q1", "answer", "Q2", "answer"]);

        await articles().first().getByRole("button", {name: "Delete message"}).click();
        await expect.poll(texts).toEqual(["Q2", "answer"]);
        const undo = page.getByRole("status").filter({hasText: "Question and its answer deleted"});
        await undo.getByRole("button", {name: "Undo"}).click();
        await expect.poll(texts).toEqual(["Q1", "answer", "Q2", "answer"]);

        // An answer goes alone; the question after it stays.
        await articles().nth(1).getByRole("button", {name: "Delete message"}).click();
        await expect.poll(texts).toEqual(["Q1", "Q2", "answer"]);
        await page.getByRole("status").filter({hasText: "Answer deleted."}).getByRole("button", {name: "Undo"}).click();
        await expect.poll(texts).toEqual(["Q1", "answer", "Q2", "answer"]);

        // It was put back in the database, not only on screen.
        await page.reload();
        await expect.poll(texts).toEqual(["Q1", "answer", "Q2", "answer"]);
    });

    test("in Chinese the undo is offered in Chinese, and lapses after a few seconds", async () => {
        await useUiLanguage(page, "zh-CN");
        await expect.poll(texts).toEqual(["Q1", "answer", "Q2", "answer"]);
        await articles().nth(2).getByRole("button", {name: "删除消息"}).click();
        await expect.poll(texts).toEqual(["Q1", "answer"]);
        const undo = page.getByRole("status").filter({hasText: "已删除该问题及其回答"});
        expect(await undo.getByRole("button", {name: "撤销"}).count()).toBe(1);
        await expect.poll(() => undo.count(), {timeout: 20_000}).toBe(0);
        await useUiLanguage(page, "en");
    });
});
