import {mkdirSync, mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {FakeHub} from "../fixtures/hub/FakeHub.ts";
import {copyFixtureModels} from "../fixtures/models/copyFixtureModels.ts";
import {expectedTexts} from "../fixtures/models/scriptedModel.ts";
import {launchChromium, type ChromiumSession} from "./support/launchChromium.ts";
import {startServe, type RunningServe} from "./support/startServe.ts";

let dir: string;
let hub: FakeHub;
let serve: RunningServe;
let browser: ChromiumSession;
let page: Page;

beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "ponder-e2e-models-"));
    const fixtures = await copyFixtureModels(path.join(dir, "fixtures"));
    hub = await FakeHub.start();
    // The catalog's default model, as the hub would serve it (a tiny generated model under QwQ's real names).
    await hub.addFile("Qwen/QwQ-32B-GGUF", "qwq-32b-q4_k_m.gguf", fixtures.prefilled);
    mkdirSync(path.join(dir, "models"));
    serve = await startServe({dataDir: path.join(dir, "data"), modelsDir: path.join(dir, "models"), extraArgs: ["--hub-url", hub.url]});
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.goto(serve.url);
});

afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await hub?.close();
    if (dir != null)
        rmSync(dir, {recursive: true, force: true});
});

const progressValue = async () => Number(await page.getByRole("progressbar", {name: "QwQ-32B Q4_K_M"}).getAttribute("value"));

describe("the Models view in Chromium", () => {
    test("an address the hub doesn't have gets a clear message", async () => {
        await page.getByRole("button", {name: "Models"}).click();
        await page.getByRole("textbox", {name: "Model address"}).fill("hf:nobody/Nothing-GGUF:Q4_K_M");
        await page.getByRole("button", {name: "Add", exact: true}).click();
        await expect.poll(() => page.getByRole("alert").filter({hasText: "nobody/Nothing-GGUF does not exist"}).count(), {timeout: 10_000}).toBe(1);
    });

    test("pick a catalog model, see its fit, download it with Pause and Resume, then chat with it", async () => {
        const entry = page.getByRole("listitem", {name: "QwQ-32B Q4_K_M"});
        // Each of the many "Will it fit?" buttons names its model.
        const fitNames = await page.getByRole("button", {name: /^Will it fit\?/}).evaluateAll((buttons) => buttons.map((button) => button.getAttribute("aria-label")));
        expect(fitNames.length).toBeGreaterThan(1);
        expect(new Set(fitNames).size).toBe(fitNames.length);
        await page.getByRole("button", {name: "Will it fit? (QwQ-32B Q4_K_M)", exact: true}).click();
        // No GPU here: the CPU runs it, and the estimate gives the numbers.
        await expect.poll(() => entry.getByRole("status").textContent(), {timeout: 30_000}).toMatch(/^Runs on the CPUneeds .+ of .+ · \d+ parallel × up to [\d,]+ tokens of context$/);

        hub.bytesPerSecond = 30_000;
        await entry.getByRole("button", {name: "Download"}).click();
        const download = page.getByRole("listitem").filter({has: page.getByRole("progressbar", {name: "QwQ-32B Q4_K_M"})});
        await expect.poll(progressValue, {timeout: 20_000}).toBeGreaterThan(0);
        const before = await progressValue();
        await expect.poll(progressValue, {timeout: 20_000}).toBeGreaterThan(before);

        await download.getByRole("button", {name: "Pause"}).click();
        await expect.poll(() => download.textContent(), {timeout: 10_000}).toContain("Paused");
        const paused = await progressValue();
        await new Promise((resolve) => setTimeout(resolve, 600));
        expect(await progressValue()).toBe(paused);

        hub.bytesPerSecond = null;
        await download.getByRole("button", {name: "Resume"}).click();
        await expect.poll(() => download.textContent(), {timeout: 20_000}).toContain("Ready");
        // It continued from the bytes it had: the last request asked for the rest only.
        expect(hub.fileRequests().at(-1)!.range).toMatch(/^bytes=[1-9]\d*-$/);

        await download.getByRole("button", {name: "Load"}).click();
        await expect.poll(() => download.textContent(), {timeout: 30_000}).toContain("Loaded");
        await page.getByRole("button", {name: "Back to chat"}).click();
        const composer = page.getByRole("textbox", {name: "Message"});
        await expect.poll(() => composer.isEditable(), {timeout: 10_000}).toBe(true);
        await composer.fill("Hello, downloaded model!");
        await composer.press("Enter");
        await expect.poll(() => page.getByRole("article", {name: "Assistant"}).last().textContent(), {timeout: 30_000}).toContain(expectedTexts.answer);
    });

    test("a downloaded model shows its metadata, and Delete asks first, then removes it", async () => {
        await page.getByRole("button", {name: "Models"}).click();
        const installed = page.getByRole("region", {name: "On this computer"});
        const model = installed.getByRole("listitem").first();
        await expect.poll(() => model.textContent(), {timeout: 10_000}).toContain("Reasons before answering");
        expect(await model.textContent()).toMatch(/ · qwen2 · /);
        // A browser has no file manager of the machine the models are on: only the desktop app offers this.
        expect(await model.getByRole("button", {name: "Delete"}).count()).toBe(1);
        expect(await model.getByRole("button", {name: "Show in folder"}).count()).toBe(0);
        await model.getByRole("button", {name: "Delete"}).click();
        await expect.poll(() => model.getByRole("alert").textContent(), {timeout: 10_000}).toContain("The file is removed from disk.");
        await model.getByRole("button", {name: "Yes, delete"}).click();
        await expect.poll(() => installed.getByText("No models yet").count(), {timeout: 10_000}).toBe(1);
    });

    test("in a browser there is no open dialog; a dropped .gguf gets a message saying to type its path, and the path field stays", async () => {
        const installed = page.getByRole("region", {name: "On this computer"});
        expect(await installed.getByRole("button", {name: "Choose .gguf files…"}).count()).toBe(0);
        expect(await installed.getByText("In a browser, files can't be picked or dropped").count()).toBe(1);
        const view = page.getByRole("main").filter({has: page.getByRole("heading", {name: "Models"})});
        const dataTransfer = await page.evaluateHandle(() => {
            const transfer = new DataTransfer();
            transfer.items.add(new File(["GGUF"], "dropped.gguf"));
            return transfer;
        });
        await view.dispatchEvent("dragover", {dataTransfer});
        await view.dispatchEvent("drop", {dataTransfer});
        await expect.poll(() => installed.getByRole("alert").textContent(), {timeout: 5_000}).toContain("A browser can't tell Ponder where a dropped file is on disk.");
        expect(await installed.getByRole("textbox", {name: "File or folder on this computer"}).count()).toBe(1);
    });
});
