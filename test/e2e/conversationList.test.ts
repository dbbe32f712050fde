import path from "node:path";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {ChatRepository} from "../../electron/core/chats/ChatRepository.ts";
import {openDatabase} from "../../electron/core/store/openDatabase.ts";
import {openPonder, type PonderSession} from "./support/openPonder.ts";

let session: PonderSession;
let page: Page;

const chatCount = 130;
const day = 24 * 60 * 60 * 1000;
const titleOf = (index: number) => `Chat number ${String(index).padStart(3, "0")}`;

beforeAll(async () => {
    session = await openPonder();
    page = session.page;
    // Many chats, written straight into the database while `serve` is stopped: chat 0 is the
    // newest (today), then a few from yesterday and last week, and the rest older.
    await session.restartServe(async () => {
        const db = openDatabase(path.join(session.dataDir, "ponder.db"));
        const repository = new ChatRepository(db);
        const now = Date.now();
        const midnight = new Date(now).setHours(0, 0, 0, 0);
        repository.transaction(() => {
            for (let index = 0; index < chatCount; index++) {
                const updatedAt = index === 0 ? now : index < 3 ? midnight - day / 2 - index : index < 6 ? midnight - 4 * day - index : midnight - 30 * day - index * 60_000;
                repository.insertChat({id: `chat-${index}`, title: titleOf(index), createdAt: updatedAt, updatedAt, pinned: false, systemPrompt: "", sendReasoning: false});
            }
        });
        db.close();
    });
    await page.goto(session.serve.url);
});

afterAll(async () => {
    await session?.close();
});

const conversations = () => page.getByRole("navigation", {name: "Conversations"});
const chatButtons = () => conversations().getByRole("button", {name: /^Chat number/});
const heading = () => page.getByRole("heading", {level: 1});

describe("a long conversation list in Chromium", () => {
    test("shows the first page, grouped by activity, and loads more as it is scrolled to the end", async () => {
        await expect.poll(() => chatButtons().count()).toBe(50);
        for (const group of ["Today", "Yesterday", "Previous 7 days", "Older"])
            expect(await conversations().getByRole("region", {name: group}).count()).toBe(1);
        expect(await chatButtons().first().textContent()).toBe(titleOf(0));

        await conversations().evaluate((nav) => nav.scrollTo({top: nav.scrollHeight}));
        await expect.poll(() => chatButtons().count()).toBe(100);
        expect(await chatButtons().nth(50).textContent()).toBe(titleOf(50));
        await conversations().evaluate((nav) => nav.scrollTo({top: nav.scrollHeight}));
        await expect.poll(() => chatButtons().count()).toBe(chatCount);
        // Everything is there, so nothing offers more.
        await expect.poll(() => conversations().getByRole("button", {name: "Show more conversations"}).count()).toBe(0);
        expect(await chatButtons().allTextContents()).toEqual(Array.from({length: chatCount}, (_, index) => titleOf(index)));
    });

    test("after a reload, Alt+↓ from the last chat of the page opens the next one, loading the next page", async () => {
        await page.reload();
        await expect.poll(() => chatButtons().count()).toBe(50);
        await conversations().getByRole("button", {name: titleOf(49), exact: true}).click();
        await expect.poll(() => heading().textContent()).toBe(titleOf(49));

        await page.keyboard.press("Alt+ArrowDown");
        await expect.poll(() => heading().textContent()).toBe(titleOf(50));
        expect(await chatButtons().count()).toBe(100);
        const active = conversations().locator("[aria-current=page]");
        expect(await active.textContent()).toBe(titleOf(50));
        // The newly active chat is scrolled into view.
        expect(await active.evaluate((button) => {
            const nav = button.closest("nav")!.getBoundingClientRect();
            const box = button.getBoundingClientRect();
            return box.top >= nav.top && box.bottom <= nav.bottom;
        })).toBe(true);
        await page.keyboard.press("Alt+ArrowUp");
        await expect.poll(() => heading().textContent()).toBe(titleOf(49));
    });

    test("a chat far down keeps its title when opened by its address; pinning a chat moves only that one", async () => {
        await page.goto(`${session.serve.url}#chat=chat-120`);
        await expect.poll(() => heading().textContent()).toBe(titleOf(120));
        expect(await chatButtons().count()).toBe(50);

        // Pinning a chat from the top moves it into the Pinned group without reloading the list.
        const entry = conversations().getByRole("listitem").filter({has: page.getByRole("button", {name: titleOf(2), exact: true})});
        await entry.hover();
        await entry.getByRole("button", {name: "Pin", exact: true}).click();
        await expect.poll(() => conversations().getByRole("region", {name: "Pinned"}).getByRole("button", {name: titleOf(2)}).count()).toBe(1);
        expect(await chatButtons().count()).toBe(50);
    });
});
