import {copyFileSync, mkdirSync} from "node:fs";
import path from "node:path";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {ensureFixtureModels, type FixtureModels} from "../fixtures/models/fixtureModels.ts";
import {expectedTexts} from "../fixtures/models/scriptedModel.ts";
import {openPonder, type PonderSession} from "./support/openPonder.ts";
import {useUiLanguage} from "./support/uiLanguage.ts";

let fixtures: FixtureModels;
let session: PonderSession;
let page: Page;

beforeAll(async () => {
    fixtures = await ensureFixtureModels();
    // Offline: nothing listens where the hub should be. An empty models folder: a first run.
    session = await openPonder({serveArgs: ["--hub-url", "http://127.0.0.1:9"]});
    page = session.page;
});

afterAll(async () => {
    await session?.close();
});

describe("a first run offline", () => {
    test("in Chinese the welcome says it is offline, in Chinese, and offers Retry, a path field and the models folder", async () => {
        await useUiLanguage(page, "zh-CN");
        await expect.poll(() => page.getByRole("heading", {name: "欢迎使用 Ponder"}).count()).toBe(1);
        await expect.poll(() => page.getByRole("alert").filter({hasText: "无法连接模型中心"}).count(), {timeout: 30_000}).toBe(1);
        const welcome = page.getByRole("region", {name: "欢迎使用 Ponder"});
        expect(await welcome.textContent()).not.toContain("fetch failed");
        expect(await welcome.getByRole("button", {name: "重试"}).count()).toBe(1);
        expect(await welcome.getByRole("textbox", {name: "本机上的文件或文件夹"}).count()).toBe(1);
        expect(await welcome.getByRole("group", {name: "模型文件夹"}).textContent()).toContain(session.modelsDir);
        expect(await welcome.getByRole("button", {name: "更改文件夹"}).count()).toBe(1);
        // Taller than a 900×700 window, it is read from its title down, not shown from its end.
        await page.setViewportSize({width: 900, height: 700});
        const title = await page.getByRole("heading", {name: "欢迎使用 Ponder"}).boundingBox();
        const header = await page.getByRole("heading", {level: 1}).boundingBox();
        expect(title!.y).toBeGreaterThan(header!.y + header!.height);
        expect(await welcome.evaluate((section) => section.parentElement!.parentElement!.scrollHeight > section.parentElement!.parentElement!.clientHeight)).toBe(true);
        await page.setViewportSize({width: 1280, height: 860});
        await useUiLanguage(page, "en");
    });

    test("the catalog's Download buttons are disabled and say why; no entry claims to be recommended; the path field comes before them", async () => {
        const welcome = page.getByRole("region", {name: "Welcome to Ponder"});
        await expect.poll(() => welcome.getByRole("alert").textContent(), {timeout: 30_000}).toMatch(/^Ponder can't reach the model hub/);
        await welcome.getByRole("button", {name: "All models"}).click();
        const catalog = page.getByRole("list", {name: "Catalog"});
        await expect.poll(() => catalog.getByRole("listitem").count()).toBeGreaterThan(5);
        const downloads = catalog.getByRole("button", {name: "Download"});
        await expect.poll(() => downloads.evaluateAll((buttons) => buttons.every((button) => (button as HTMLButtonElement).disabled))).toBe(true);
        const reason = await downloads.first().evaluate((button) => document.getElementById(button.getAttribute("aria-describedby") ?? "")?.textContent);
        expect(reason).toBe("Download is unavailable: the model hub can't be reached (offline?).");
        expect(await catalog.getByText("Recommended", {exact: true}).count()).toBe(0);
        // What works offline, adding a file from disk, comes before the catalog's disabled downloads.
        const pathField = await page.getByRole("region", {name: "On this computer"}).getByRole("textbox", {name: "File or folder on this computer"}).boundingBox();
        expect(pathField!.y).toBeLessThan((await catalog.boundingBox())!.y);
        await page.getByRole("button", {name: "Back to chat"}).click();
    });

    test("Retry asks the hub again; a GGUF file on disk, added by its path, loads and answers", async () => {
        const welcome = page.getByRole("region", {name: "Welcome to Ponder"});
        await welcome.getByRole("button", {name: "Retry"}).click();
        await expect.poll(() => welcome.getByRole("alert").textContent(), {timeout: 30_000}).toMatch(/^Ponder can't reach the model hub/);

        // The models folder is changed to one where the user keeps a model.
        const kept = path.join(session.dir, "my-models");
        mkdirSync(kept);
        copyFileSync(fixtures.prefilled, path.join(kept, "qwq-tiny.gguf"));
        await welcome.getByRole("button", {name: "Change folder"}).click();
        const folderField = welcome.getByRole("textbox", {name: "New models folder (on the computer running Ponder)"});
        await folderField.fill(path.join(session.dir, "missing"));
        await welcome.getByRole("button", {name: "Use this folder"}).click();
        await expect.poll(() => welcome.getByRole("alert").filter({hasText: "There is no folder at"}).count()).toBe(1);
        await folderField.fill(kept);
        await welcome.getByRole("button", {name: "Use this folder"}).click();

        // It loads without a visit to the Models view, and the welcome gives way to the examples.
        const examples = page.getByRole("region", {name: "Try one of these"});
        await expect.poll(() => examples.getByRole("button").count(), {timeout: 60_000}).toBe(3);
        const composer = page.getByRole("textbox", {name: "Message"});
        await expect.poll(() => composer.isEditable(), {timeout: 30_000}).toBe(true);
        await composer.fill("Hello offline");
        await composer.press("Enter");
        await expect.poll(() => page.getByRole("article", {name: "Assistant"}).textContent(), {timeout: 30_000}).toContain(expectedTexts.answer.trim().slice(0, 40));
        // The answer came with its reasoning folded.
        await expect.poll(() => page.getByRole("article", {name: "Assistant"}).locator("details").getAttribute("open")).toBeNull();
    });
});
