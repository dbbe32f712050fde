import {readFileSync, rmSync, writeFileSync} from "node:fs";
import {createRequire} from "node:module";
import path from "node:path";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {ensureFixtureModels} from "../fixtures/models/fixtureModels.ts";
import {expectedTexts} from "../fixtures/models/scriptedModel.ts";
import {openPonder, type PonderSession} from "./support/openPonder.ts";
import {showView} from "./support/ponderUi.ts";

const require = createRequire(import.meta.url);
const npmPdf = path.join(path.dirname(require.resolve("@doyensec/electronegativity/package.json")), "docs/manuals/ElectronegativityUserManual_v1.4.0.pdf");

let session: PonderSession;
let page: Page;
let notesPath: string;
let photoPath: string;

beforeAll(async () => {
    const fixtures = await ensureFixtureModels();
    session = await openPonder({models: {"qwq-tiny.gguf": fixtures.prefilled}, model: "qwq-tiny.gguf"});
    page = session.page;
    notesPath = path.join(session.dir, "notes.md");
    writeFileSync(notesPath, "Meeting notes\n\nThe launch moves to the ninth of March.\n");
    photoPath = path.join(session.dir, "photo.png");
    writeFileSync(photoPath, Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"));
});

afterAll(async () => {
    await session?.close();
});

/** Picks files in the chooser the paperclip opens, as a person would. */
async function attachByPaperclip(...files: string[]) {
    const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.getByRole("button", {name: "Attach files"}).click()]);
    await chooser.setFiles(files);
}

const pending = () => page.getByRole("list", {name: "Documents for the next message"});

describe("attaching documents in Chromium", () => {
    test("attach by the paperclip: the chip shows its size in tokens and the context meter counts it before sending; the answer comes, and after a reload everything is still there", async () => {
        const composer = page.getByRole("textbox", {name: "Message"});
        await expect.poll(() => composer.isEditable(), {timeout: 15_000}).toBe(true);
        await attachByPaperclip(notesPath);
        const chip = pending().getByRole("listitem", {name: "notes.md"});
        await expect.poll(() => chip.textContent(), {timeout: 15_000}).toMatch(/^notes\.md~\d+ tokens×$/);
        const tokens = Number(/~(\d+) tokens/.exec((await chip.textContent())!)![1]);
        const meter = page.getByRole("meter", {name: "Context used"});
        expect(await meter.getAttribute("aria-valuetext")).toContain(`(attachments: ${tokens})`);

        await composer.fill("When is the launch?");
        await composer.press("Enter");
        await expect.poll(() => page.getByRole("article", {name: "Assistant"}).last().textContent(), {timeout: 30_000}).toContain(expectedTexts.answer);
        expect(await pending().count()).toBe(0);
        const question = page.getByRole("article", {name: "You"}).last();
        expect(await question.getByRole("listitem", {name: "notes.md"}).textContent()).toBe(`notes.md~${tokens} tokens`);

        await page.reload();
        await expect.poll(() => page.getByRole("article", {name: "You"}).last().getByRole("listitem", {name: "notes.md"}).count(), {timeout: 15_000}).toBe(1);
    });

    test("a PDF's chip says its pages; one can be removed before sending", async () => {
        await attachByPaperclip(npmPdf);
        const chip = pending().getByRole("listitem", {name: path.basename(npmPdf)});
        await expect.poll(() => chip.textContent(), {timeout: 30_000}).toMatch(/\d+ pages · ~[\d,]+ tokens/);
        await chip.getByRole("button", {name: `Remove ${path.basename(npmPdf)}`}).click();
        expect(await pending().count()).toBe(0);
    });

    test("bad input: an image dropped on the composer, a zip named .pdf pasted: each chip says why; the chat is untouched", async () => {
        const before = await page.getByRole("article").count();
        const drop = await page.evaluateHandle(() => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])], "photo.png", {type: "image/png"}));
            return transfer;
        });
        const form = page.locator("form.composer");
        await form.dispatchEvent("dragover", {dataTransfer: drop});
        await form.dispatchEvent("drop", {dataTransfer: drop});
        await expect.poll(() => pending().getByRole("listitem", {name: "photo.png"}).getByRole("alert").textContent(), {timeout: 15_000})
            .toBe("photo.png is an image (PNG): the models Ponder runs read text only.");

        // A paste carries files the same way; the zip's bytes begin as every zip does.
        await page.getByRole("textbox", {name: "Message"}).evaluate((textarea) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])], "paper.pdf", {type: "application/pdf"}));
            textarea.dispatchEvent(new ClipboardEvent("paste", {clipboardData: transfer, bubbles: true, cancelable: true}));
        });
        await expect.poll(() => pending().getByRole("listitem", {name: "paper.pdf"}).getByRole("alert").textContent(), {timeout: 15_000})
            .toBe("paper.pdf is not a PDF: it is a ZIP archive with a .pdf name.");
        expect(await page.getByRole("article").count()).toBe(before);
        await attachByPaperclip(photoPath);
        await expect.poll(() => pending().getByRole("listitem", {name: "photo.png"}).count(), {timeout: 15_000}).toBe(2);
    });
    test("in Chinese: a truncated PDF and a file deleted after it was picked each say why in the UI's language; the conversation keeps every message and goes on", async () => {
        // The refused chips of the test before are removed first.
        while (await pending().count() > 0)
            await pending().getByRole("button").first().click();
        await showView(page, "Settings");
        await page.getByRole("combobox", {name: "Language", exact: true}).selectOption({label: "简体中文"});
        await page.getByRole("button", {name: "返回对话"}).click();
        const conversation = await page.getByRole("article").allTextContents();
        expect(conversation.join("")).toContain("When is the launch?");

        const whole = readFileSync(npmPdf);
        const cutPath = path.join(session.dir, "cut.pdf");
        writeFileSync(cutPath, whole.subarray(0, Math.floor(whole.length / 3)));
        const draftPath = path.join(session.dir, "draft.md");
        writeFileSync(draftPath, "A draft that is deleted after it was picked.\n");
        const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.getByRole("button", {name: "附加文件"}).click()]);
        await chooser.setFiles([cutPath, draftPath]);
        // Files upload one at a time: the draft is read after the PDF, by which time it is gone.
        rmSync(draftPath);
        const chips = page.getByRole("list", {name: "下一条消息的文档"});
        await expect.poll(() => chips.getByRole("listitem", {name: "cut.pdf"}).getByRole("alert").textContent(), {timeout: 30_000})
            .toMatch(/^cut\.pdf 是损坏或不完整的 PDF（.+）。$/);
        await expect.poll(() => chips.getByRole("listitem", {name: "draft.md"}).getByRole("alert").textContent(), {timeout: 15_000})
            .toBe("draft.md 在读取过程中被修改或删除了。请重新附加。");

        expect(await page.getByRole("article").allTextContents()).toEqual(conversation);
        const composer = page.getByRole("textbox", {name: "消息"});
        await composer.fill("还在吗？");
        await composer.press("Enter");
        await expect.poll(() => page.getByRole("article").count(), {timeout: 30_000}).toBe(conversation.length + 2);
        await expect.poll(() => page.getByRole("article").last().textContent(), {timeout: 30_000}).toContain(expectedTexts.answer);
    });
});
