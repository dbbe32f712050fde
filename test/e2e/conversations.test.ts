import {randomUUID} from "node:crypto";
import {readFileSync, writeFileSync} from "node:fs";
import path from "node:path";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import type {ChatArchive} from "../../electron/contract.ts";
import {ensureFixtureModels} from "../fixtures/models/fixtureModels.ts";
import {expectedTexts} from "../fixtures/models/scriptedModel.ts";
import {chooseModel} from "./support/ponderUi.ts";
import {openPonder, type PonderSession} from "./support/openPonder.ts";

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

const conversations = () => page.getByRole("navigation", {name: "Conversations"});
const composer = () => page.getByRole("textbox", {name: "Message"});
const assistants = () => page.getByRole("article", {name: "Assistant"});
const users = () => page.getByRole("article", {name: "You"});
const chatEntry = (title: string) => conversations().getByRole("listitem").filter({has: page.getByRole("button", {name: title, exact: true})});

async function ask(text: string) {
    await expect.poll(() => composer().isEditable()).toBe(true);
    const before = await assistants().count();
    await composer().fill(text);
    await composer().press("Enter");
    await expect.poll(() => assistants().count()).toBe(before + 1);
    await expect.poll(() => assistants().last().getByRole("button", {name: "Regenerate"}).count(), {timeout: 30_000}).toBe(1);
}

/** Clicks one of a chat's buttons, shown when the pointer is over it. */
async function chatAction(title: string, action: string) {
    await chatEntry(title).hover();
    await chatEntry(title).getByRole("button", {name: action, exact: true}).click();
}

async function download(button: string) {
    const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", {name: button}).click()]);
    return {name: file.suggestedFilename(), content: readFileSync((await file.path())!, "utf8")};
}

describe("conversations in Chromium", () => {
    test("chats are grouped by activity, renamed, pinned; the keyboard moves between them", async () => {
        await ask("Alpha question");
        await page.getByRole("button", {name: "New chat"}).click();
        await ask("Beta: 我们讨论量子纠缠的原理");

        await expect.poll(() => conversations().getByRole("region", {name: "Today"}).getByRole("listitem").count()).toBe(2);
        await chatAction("Alpha question", "Rename");
        await conversations().getByRole("textbox", {name: "Conversation title"}).fill("Renamed alpha");
        await conversations().getByRole("textbox", {name: "Conversation title"}).press("Enter");
        await expect.poll(() => chatEntry("Renamed alpha").count()).toBe(1);

        await chatAction("Renamed alpha", "Pin");
        const pinned = conversations().getByRole("region", {name: "Pinned"});
        await expect.poll(() => pinned.getByRole("button", {name: "Renamed alpha"}).count()).toBe(1);
        expect(await conversations().getByRole("region", {name: "Today"}).getByRole("listitem").count()).toBe(1);

        // Alt+↑ / Alt+↓ walk the list (pinned first); Ctrl+K focuses the search; Ctrl+Shift+O starts a new chat.
        await page.keyboard.press("Alt+ArrowUp");
        await expect.poll(() => page.getByRole("heading", {level: 1}).textContent()).toBe("Renamed alpha");
        await page.keyboard.press("Alt+ArrowDown");
        await expect.poll(() => page.getByRole("heading", {level: 1}).textContent()).toMatch(/^Beta/);
        await page.keyboard.press("Control+k");
        expect(await page.getByRole("searchbox", {name: "Search conversations"}).evaluate((element) => element === document.activeElement)).toBe(true);
        await page.keyboard.press("Control+Shift+O");
        await expect.poll(() => page.getByRole("heading", {level: 1}).textContent()).toBe("New conversation");
    });

    test("delete, then undo", async () => {
        const beta = page.getByRole("button", {name: /^Beta/});
        const entry = conversations().getByRole("listitem").filter({has: beta});
        await entry.hover();
        await entry.getByRole("button", {name: "Delete", exact: true}).click();
        await expect.poll(() => conversations().getByRole("button", {name: /^Beta/}).count()).toBe(0);
        await expect.poll(() => page.getByRole("status").filter({hasText: "Deleted"}).textContent()).toMatch(/^Deleted “Beta/);
        await page.getByRole("button", {name: "Undo"}).click();
        await expect.poll(() => conversations().getByRole("button", {name: /^Beta/}).count()).toBe(1);
    });

    test("search finds Chinese (two characters too) and reasoning, highlights the match, and jumps to the message", async () => {
        const search = page.getByRole("searchbox", {name: "Search conversations"});
        const results = conversations().getByRole("list", {name: "Search results"});
        await search.fill("纠缠");
        await expect.poll(() => results.getByRole("listitem").count()).toBe(1);
        expect(await results.locator("mark").allTextContents()).toEqual(["纠缠"]);
        await search.fill("量子纠缠的");
        await expect.poll(() => results.locator("mark").allTextContents()).toEqual(["量子纠缠的"]);

        await search.fill("greeting");
        await expect.poll(() => results.getByRole("listitem").count()).toBe(2);
        expect(await results.getByRole("listitem").first().textContent()).toContain("In reasoning:");
        await results.getByRole("button").filter({hasText: "Renamed alpha"}).click();
        await expect.poll(() => page.getByRole("heading", {level: 1}).textContent()).toBe("Renamed alpha");
        const focused = page.locator("[data-focused]");
        await expect.poll(() => focused.getByRole("article", {name: "Assistant"}).count()).toBe(1);
        const box = await focused.boundingBox();
        expect(box != null && box.y >= 0 && box.y + box.height / 2 <= 860).toBe(true);
        await search.fill("");
    });

    test("copy the answer and the reasoning; the stats line tells how the answer was made", async () => {
        const answer = assistants().last();
        await answer.getByRole("button", {name: "Copy answer"}).click();
        await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(expectedTexts.answer);
        await answer.getByRole("button", {name: "Copy reasoning"}).click();
        await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(expectedTexts.reasoning);

        const stats = await answer.getByRole("note", {name: "Statistics"}).textContent();
        expect(stats).toMatch(/^Ponder scripted prefilled-think · first token \d+ ms · [\d.,]+ tokens\/s · thought [\d.,]+ s · \d+ reasoning \+ 10 answer tokens · finished$/);
    });

    test("edit & resend makes a branch, with 2 / 2 navigation back to the original", async () => {
        const question = users().first();
        await question.getByRole("button", {name: "Edit"}).click();
        await question.getByRole("textbox", {name: "Edit message"}).fill("Alpha question, edited");
        await question.getByRole("button", {name: "Send edit"}).click();
        await expect.poll(() => users().first().textContent()).toContain("Alpha question, edited");
        await expect.poll(() => users().first().textContent()).toContain("2 / 2");
        await expect.poll(() => assistants().last().textContent(), {timeout: 30_000}).toContain(expectedTexts.answer);

        await users().first().getByRole("button", {name: "Previous version"}).click();
        await expect.poll(() => users().first().textContent()).toContain("1 / 2");
        expect(await users().first().textContent()).toContain("Alpha question");
        expect(await users().first().textContent()).not.toContain("edited");
        await users().first().getByRole("button", {name: "Next version"}).click();
        await expect.poll(() => users().first().textContent()).toContain("Alpha question, edited");
    });

    test("regenerate adds a second version of the answer", async () => {
        await assistants().last().getByRole("button", {name: "Regenerate"}).click();
        await expect.poll(() => assistants().last().textContent(), {timeout: 30_000}).toContain("2 / 2");
        await expect.poll(() => assistants().last().getByRole("button", {name: "Regenerate"}).count(), {timeout: 30_000}).toBe(1);
        expect(await assistants().last().textContent()).toContain(expectedTexts.answer);
        await assistants().last().getByRole("button", {name: "Previous version"}).click();
        await expect.poll(() => assistants().last().textContent()).toContain("1 / 2");
    });

    test("the chat's own settings: a system prompt, and sending earlier reasoning back, kept across a reload", async () => {
        await page.getByRole("button", {name: "Chat settings"}).click();
        await page.getByRole("textbox", {name: "System prompt"}).fill("Answer in one line.");
        await page.getByRole("checkbox", {name: "Send earlier reasoning to the model"}).check();
        await page.getByRole("textbox", {name: "System prompt"}).blur();
        await page.reload();
        await page.getByRole("button", {name: "Chat settings"}).click();
        await expect.poll(() => page.getByRole("textbox", {name: "System prompt"}).inputValue()).toBe("Answer in one line.");
        expect(await page.getByRole("checkbox", {name: "Send earlier reasoning to the model"}).isChecked()).toBe(true);
        await ask("And with the settings?");
        expect(await assistants().last().textContent()).toContain(expectedTexts.answer);
    });

    test("export Markdown and JSON; importing the JSON brings the conversation back whole, and importing one already here asks (Skip, Replace)", async () => {
        const all = JSON.parse((await download("Export all")).content) as ChatArchive;
        expect(all.chats.map((chat) => chat.summary.title).sort()).toEqual(["Beta: 我们讨论量子纠缠的原理", "Renamed alpha"]);

        const markdown = await download("Export Markdown");
        expect(markdown.name).toBe("Renamed alpha.md");
        expect(markdown.content).toMatch(/^# Renamed alpha\n/);
        expect(markdown.content).toContain(`<details>\n<summary>Reasoning</summary>\n\n${expectedTexts.reasoning}\n\n</details>`);

        const json = await download("Export JSON");
        const archive = JSON.parse(json.content) as ChatArchive;
        expect(archive.chats).toHaveLength(1);
        // Every branch is in it: two versions of the question, two of the first answer, and the last exchange.
        expect(archive.chats[0]!.messages).toHaveLength(7);
        expect(archive.chats[0]!.summary).toMatchObject({systemPrompt: "Answer in one line.", sendReasoning: true, pinned: true});

        await chatAction("Renamed alpha", "Delete");
        await expect.poll(() => chatEntry("Renamed alpha").count()).toBe(0);
        const file = path.join(session.dir, json.name);
        writeFileSync(file, json.content);
        await conversations().getByLabel("Import JSON").setInputFiles(file);
        await expect.poll(() => conversations().getByText("Imported 1 conversation.").count()).toBe(1);
        await expect.poll(() => page.getByRole("heading", {level: 1}).textContent()).toBe("Renamed alpha");

        const again = JSON.parse((await download("Export JSON")).content) as ChatArchive;
        // The deleted original still holds its ids until the next start, so the copy got new ones; nothing else differs.
        const withoutIds = (chat: ChatArchive["chats"][number]) => ({
            summary: {...chat.summary, id: undefined},
            messages: chat.messages.map((message) => ({...message, id: undefined, chatId: undefined, parentId: message.parentId == null}))
        });
        expect(withoutIds(again.chats[0]!)).toEqual(withoutIds(archive.chats[0]!));
        expect(await users().first().textContent()).toContain("Alpha question");

        // The copy exported and imported again is here already: the dialog asks. Skip adds nothing;
        // Replace puts the file's version in place of the one renamed here.
        const copyFile = path.join(session.dir, "copy.json");
        writeFileSync(copyFile, JSON.stringify(again));
        const duplicates = page.getByRole("dialog", {name: "This conversation is already here"});
        await conversations().getByLabel("Import JSON").setInputFiles(copyFile);
        await expect.poll(() => duplicates.count()).toBe(1);
        expect(await duplicates.getByRole("listitem").allTextContents()).toEqual(["Renamed alpha"]);
        // Skip, which changes nothing here, has the focus: Enter takes it.
        expect(await duplicates.getByRole("button", {name: "Skip"}).evaluate((button) => button === document.activeElement)).toBe(true);
        await page.keyboard.press("Enter");
        await expect.poll(() => conversations().getByText("Imported 0 conversations, skipped 1 already here.").count()).toBe(1);
        expect(await chatEntry("Renamed alpha").count()).toBe(1);

        await chatAction("Renamed alpha", "Rename");
        await conversations().getByRole("textbox", {name: "Conversation title"}).fill("Renamed here");
        await conversations().getByRole("textbox", {name: "Conversation title"}).press("Enter");
        await expect.poll(() => chatEntry("Renamed here").count()).toBe(1);
        await conversations().getByLabel("Import JSON").setInputFiles(copyFile);
        await duplicates.getByRole("button", {name: "Replace"}).click();
        await expect.poll(() => conversations().getByText("Imported 1 conversation.").count()).toBe(1);
        await expect.poll(() => chatEntry("Renamed alpha").count()).toBe(1);
        expect(await chatEntry("Renamed here").count()).toBe(0);
    });

    test("Import JSON takes an archive larger than one WebSocket message (4 MiB) in pieces", async () => {
        const now = Date.now();
        const chat = (title: string, text: string): ChatArchive["chats"][number] => {
            const id = randomUUID();
            const messageId = randomUUID();
            return {
                summary: {id, title, createdAt: now, updatedAt: now, pinned: false, systemPrompt: "", sendReasoning: false},
                activeLeafId: messageId,
                messages: [{id: messageId, chatId: id, parentId: null, role: "user", text, reasoning: "", status: "done", createdAt: now, reasoningStartedAt: null, reasoningEndedAt: null, stats: null, error: null}]
            };
        };
        // The long chat comes second, so the one opened after the import is the short one.
        const archive: ChatArchive = {format: "ponder.chats", version: 2, chats: [chat("Short imported", "A short question"), chat("Long imported", "minutes of the meeting ".repeat(250_000))]};
        const file = path.join(session.dir, "large.json");
        writeFileSync(file, JSON.stringify(archive));
        expect(readFileSync(file).length).toBeGreaterThan(5 * 2 ** 20);
        await conversations().getByLabel("Import JSON").setInputFiles(file);
        await expect.poll(() => conversations().getByText("Imported 2 conversations.").count(), {timeout: 30_000}).toBe(1);
        await expect.poll(() => page.getByRole("heading", {level: 1}).textContent()).toBe("Short imported");
        expect(await chatEntry("Long imported").count()).toBe(1);
    });

    test("continue a stopped answer, then delete a message", async () => {
        await chooseModel(page, "endless-thinker.gguf");
        await page.getByRole("button", {name: "New chat"}).click();
        await composer().fill("Think about it forever");
        await composer().press("Enter");
        await expect.poll(() => assistants().last().locator("summary").textContent()).toMatch(/^Thinking…/);
        await page.getByRole("button", {name: "Stop"}).click();
        await expect.poll(() => assistants().last().getByRole("button", {name: "Continue"}).count()).toBe(1);
        const stoppedLength = (await assistants().last().locator("details").innerText()).length;

        await assistants().last().getByRole("button", {name: "Continue"}).click();
        await expect.poll(() => page.getByRole("button", {name: "Stop"}).count()).toBe(1);
        await expect.poll(async () => (await assistants().last().locator("details").innerText()).length).toBeGreaterThan(stoppedLength + 200);
        await page.getByRole("button", {name: "Stop"}).click();
        await expect.poll(() => assistants().last().getByRole("button", {name: "Continue"}).count()).toBe(1);
        expect(await assistants().count()).toBe(1);

        await assistants().last().getByRole("button", {name: "Delete message"}).click();
        await expect.poll(() => assistants().count()).toBe(0);
        expect(await users().count()).toBe(1);
    });
});
