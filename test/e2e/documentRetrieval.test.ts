import {copyFileSync, writeFileSync} from "node:fs";
import path from "node:path";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {topicBook, volcanoPageNumber} from "../fixtures/documents/topicBook.ts";
import {documentScriptTexts, passageWord} from "../fixtures/models/documentScripts.ts";
import {ensureFixtureModels, type FixtureModels} from "../fixtures/models/fixtureModels.ts";
import {openPonder, type PonderSession} from "./support/openPonder.ts";

let session: PonderSession;
let page: Page;
let fixtures: FixtureModels;
let bookPath: string;

beforeAll(async () => {
    fixtures = await ensureFixtureModels();
    session = await openPonder({models: {"reader.gguf": fixtures.answersFromPassage}, model: "reader.gguf"});
    page = session.page;
    bookPath = path.join(session.dir, "book.pdf");
    writeFileSync(bookPath, topicBook());
});

afterAll(async () => {
    await session?.close();
});

describe("a document larger than the context, in Chromium", () => {
    test("attached by the paperclip, it is searched: the embedding model is offered, the answer cites the right page, and after a reload the citation is still there", async () => {
        const composer = page.getByRole("textbox", {name: "Message"});
        await expect.poll(() => composer.isEditable(), {timeout: 15_000}).toBe(true);
        const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.getByRole("button", {name: "Attach files"}).click()]);
        await chooser.setFiles(bookPath);
        const chip = page.getByRole("list", {name: "Documents for the next message"}).getByRole("listitem", {name: "book.pdf"});
        await expect.poll(() => chip.textContent(), {timeout: 30_000}).toMatch(/60 pages · ~[\d,]+ tokens/);
        expect(await page.getByRole("meter", {name: "Context used"}).getAttribute("aria-valuetext")).toMatch(/\(attachments: [\d,]+\)/);

        // No embedding model yet: the composer offers the catalog's before the question is sent.
        const offer = page.getByRole("note").filter({hasText: "too long for the model's context"});
        await expect.poll(() => offer.getByRole("button", {name: /^Download Qwen3-Embedding-0\.6B/}).count(), {timeout: 15_000}).toBe(1);
        // Installed by hand (this test has no hub): the core finds it in the models folder when it needs it.
        copyFileSync(fixtures.embedding, path.join(session.modelsDir, "topics-embedding.gguf"));

        await composer.fill("What rock does lava become?");
        await composer.press("Enter");
        const answer = page.getByRole("article", {name: "Assistant"}).last();
        await expect.poll(() => answer.textContent(), {timeout: 60_000}).toContain(documentScriptTexts.found);
        const sources = answer.getByRole("list", {name: "Sources"});
        const first = sources.getByRole("listitem").first();
        expect(await first.locator("summary").textContent()).toBe(`[1] book.pdf · page ${volcanoPageNumber}`);
        expect(await first.locator("blockquote").isVisible()).toBe(false);
        await first.locator("summary").click();
        expect(await first.locator("blockquote").textContent()).toContain(passageWord.trim());

        await page.reload();
        const reloaded = page.getByRole("article", {name: "Assistant"}).last();
        await expect.poll(() => reloaded.getByRole("list", {name: "Sources"}).getByRole("listitem").first().locator("summary").textContent(), {timeout: 15_000})
            .toBe(`[1] book.pdf · page ${volcanoPageNumber}`);
        expect(await reloaded.textContent()).toContain(documentScriptTexts.found);
        expect(await page.getByRole("article", {name: "You"}).last().getByRole("listitem", {name: "book.pdf"}).count()).toBe(1);
    });
});
