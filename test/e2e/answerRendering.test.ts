import {tmpdir} from "node:os";
import path from "node:path";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {answerScript, markdownShowcase, xssCorpus} from "../fixtures/models/answerScripts.ts";
import {writeScriptedModel} from "../fixtures/models/scriptedModel.ts";
import {openPonder, type PonderSession} from "./support/openPonder.ts";

let session: PonderSession;
let page: Page;
const dialogs: string[] = [];
const screenshotPath = path.join(tmpdir(), "ponder-answer-rendering.png");

beforeAll(async () => {
    session = await openPonder({
        // A model whose answer is the markdown showcase followed by the XSS corpus, as plain model output.
        models: {"showcase.gguf": (filePath) => writeScriptedModel(filePath, {variant: "prefilled-think", script: answerScript([...markdownShowcase, ...xssCorpus])})},
        model: "showcase.gguf",
        permissions: ["clipboard-read", "clipboard-write"]
    });
    page = session.page;
    page.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
    });
});

afterAll(async () => {
    await session?.close();
});

const composer = () => page.getByRole("textbox", {name: "Message"});
const lastAssistant = () => page.getByRole("article", {name: "Assistant"}).last();

/** Everything in the conversation that could run code: none of it may exist. */
function dangerousMarkup() {
    return page.evaluate(() => {
        const messages = document.querySelectorAll("main article *");
        const found: string[] = [];
        for (const element of messages) {
            const tag = element.tagName.toLowerCase();
            if (["script", "iframe", "object", "embed", "style", "img", "svg", "form"].includes(tag))
                found.push(`<${tag}>`);
            for (const attribute of element.attributes) {
                if (attribute.name.startsWith("on") || (attribute.name === "style" && attribute.value.trim() !== ""))
                    found.push(`${tag}[${attribute.name}="${attribute.value}"] in ${element.parentElement?.outerHTML.slice(0, 200)}`);
                if (["href", "src", "xlink:href", "action"].includes(attribute.name) && !/^https?:\/\//i.test(attribute.value.trim()))
                    found.push(`${tag}[${attribute.name}=${attribute.value}]`);
            }
        }
        return {found, xss: (window as unknown as {__xss?: number}).__xss ?? null};
    });
}

describe("answers render as markdown, code and math, and never run what they contain", () => {
    test("a model's answer full of markup: tables, task lists, highlighted code with copy, KaTeX in every delimiter", async () => {
        await expect.poll(() => composer().isEditable(), {timeout: 30_000}).toBe(true);
        await composer().fill("Show me everything");
        await composer().press("Enter");
        const answer = lastAssistant();
        await expect.poll(() => answer.getAttribute("aria-busy"), {timeout: 30_000}).toBe("false");
        await expect.poll(() => answer.textContent()).toContain("handler on a good link");

        expect(await answer.locator("table tr").count()).toBe(3);
        expect(await answer.locator("td").allTextContents()).toEqual(["2", "4", "3", "9"]);
        const checkboxes = answer.locator("li.task-list-item input[type=checkbox]");
        expect(await checkboxes.count()).toBe(2);
        expect(await checkboxes.evaluateAll((inputs) => inputs.map((input) => [(input as HTMLInputElement).checked, (input as HTMLInputElement).disabled])))
            .toEqual([[true, true], [false, true]]);

        const code = answer.locator(".code-block code.language-python");
        expect(await code.locator(".hljs-keyword").first().textContent()).toBe("def");
        await answer.getByRole("button", {name: "Copy code"}).click();
        await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe("def square(n):\n    return n * n\n");
        await expect.poll(() => answer.locator(".code-block__copy").textContent()).toBe("Copied");

        // \(…\), $…$, $$…$$, \[…\], \boxed{…}, \href and \url: seven formulas, two of them display.
        expect(await answer.locator("math").count()).toBe(7);
        expect(await answer.locator("math[display=block]").count()).toBe(2);
        expect(await answer.locator("menclose[notation=box]").count()).toBe(1);
        expect(await answer.textContent()).toContain("a price of $5 and $10");
        const docs = answer.getByRole("link", {name: "the docs"});
        expect(await docs.getAttribute("href")).toBe("https://example.com/docs");
        expect(await docs.getAttribute("target")).toBe("_blank");
        expect(await docs.getAttribute("rel")).toBe("noopener noreferrer");

        await answer.screenshot({path: screenshotPath});
        console.log(`Answer rendering screenshot: ${screenshotPath}`);
    });

    test("the XSS corpus in the model's answer ran nothing and left no executable markup", async () => {
        expect(await dangerousMarkup()).toEqual({found: [], xss: null});
        expect(dialogs).toEqual([]);
        // The inert links are still readable as text.
        expect(await lastAssistant().textContent()).toContain("click me");
        expect(await lastAssistant().getByRole("link", {name: "click me"}).count()).toBe(0);
    });

    test("the same corpus typed by the user runs nothing either, and the answer still comes", async () => {
        await composer().fill(xssCorpus.join(""));
        await page.getByRole("button", {name: "Send"}).click();
        const user = page.getByRole("article", {name: "You"}).last();
        await expect.poll(() => user.textContent()).toContain("raw link");
        await expect.poll(() => page.getByRole("article", {name: "Assistant"}).count()).toBe(2);
        await expect.poll(() => lastAssistant().getAttribute("aria-busy"), {timeout: 30_000}).toBe("false");
        // Clicking what looks like links does nothing either.
        await user.getByText("click me").click();
        await user.getByText("toggle").click();
        expect(await dangerousMarkup()).toEqual({found: [], xss: null});
        expect(dialogs).toEqual([]);
    });
});
