import {mkdirSync, mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {FakeHub} from "../fixtures/hub/FakeHub.ts";
import {copyFixtureModels} from "../fixtures/models/copyFixtureModels.ts";
import {qwqChatTemplate} from "../fixtures/models/qwqChatTemplate.ts";
import {expectedTexts} from "../fixtures/models/scriptedModel.ts";
import {launchChromium, type ChromiumSession} from "./support/launchChromium.ts";
import {startServe, type RunningServe} from "./support/startServe.ts";

let dir: string;
let hub: FakeHub;
let serve: RunningServe;
let browser: ChromiumSession;
let page: Page;

beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "ponder-e2e-hub-"));
    const fixtures = await copyFixtureModels(path.join(dir, "fixtures"));
    hub = await FakeHub.start();
    await hub.addFile("tiny/Thinker-GGUF", "Thinker-Q4_K_M.gguf", fixtures.prefilled);
    // Text files as the parts of a split model: the fixtures can't write a real split GGUF (see test/model/hubDiscovery.test.ts).
    await hub.addFile("tiny/Thinker-GGUF", "Thinker-Q8_0-00001-of-00002.gguf", fixtures.notGguf);
    await hub.addFile("tiny/Thinker-GGUF", "Thinker-Q8_0-00002-of-00002.gguf", fixtures.notGguf);
    hub.describeRepo("tiny/Thinker-GGUF", {downloads: 12_345, likes: 67, lastModified: "2026-03-01T10:00:00.000Z", tags: ["gguf", "license:apache-2.0"], chatTemplate: qwqChatTemplate});
    for (let index = 0; index < 25; index++)
        hub.describeRepo(`many/Thinker-${index}-GGUF`, {downloads: index, tags: ["gguf"]});
    await hub.addFile("locked/Gated-Thinker-GGUF", "Gated-Thinker-Q4_K_M.gguf", fixtures.prefilled);
    hub.gate("locked/Gated-Thinker-GGUF", "hf_granted");
    hub.describeRepo("locked/Gated-Thinker-GGUF", {downloads: 1});
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

const results = () => page.getByRole("list", {name: "Hub models matching “thinker”"});

describe("searching the hub from the Models view", () => {
    test("search by name, see each result's facts, page on with Show more", async () => {
        await page.getByRole("button", {name: "Models"}).click();
        const box = page.getByRole("searchbox", {name: "Search the hub"});
        await box.fill("thinker");
        await box.press("Enter");
        await expect.poll(() => results().getByRole("listitem").count(), {timeout: 10_000}).toBe(20);
        const first = results().getByRole("listitem").first();
        expect(await first.getAttribute("aria-label")).toBe("tiny/Thinker-GGUF");
        expect(await first.textContent()).toMatch(/by tiny · 12,345 downloads · 67 likes · updated Mar 1, 2026 · licence: apache-2.0Reasons$/);
        await page.getByRole("button", {name: "Show more results"}).click();
        await expect.poll(() => results().getByRole("listitem").count(), {timeout: 10_000}).toBe(27);
        expect(await page.getByRole("button", {name: "Show more results"}).count()).toBe(0);
        expect(await results().getByRole("listitem", {name: "locked/Gated-Thinker-GGUF"}).textContent()).toContain("Gated");
    });

    test("open a repository: its quantizations, a split one as one, each with its fit; download one and chat with it", async () => {
        await results().getByRole("button", {name: "tiny/Thinker-GGUF"}).click();
        const repository = page.getByRole("article", {name: "tiny/Thinker-GGUF"});
        const files = repository.getByRole("list", {name: "GGUF files"});
        await expect.poll(() => files.getByRole("listitem").count(), {timeout: 10_000}).toBe(2);
        const q4 = files.getByRole("listitem", {name: "Q4_K_M"});
        const q8 = files.getByRole("listitem", {name: "Q8_0"});
        expect(await q8.textContent()).toContain("Thinker-Q8_0.gguf");
        expect(await q8.textContent()).toContain("2 parts, downloaded together");
        // No GPU here: the file's header is read from the hub and says the CPU runs it, with the context that fits;
        // the split one isn't a GGUF, and says it couldn't be estimated.
        await expect.poll(() => q4.getByRole("status").textContent(), {timeout: 30_000}).toMatch(/^Runs on the CPUneeds .+ of .+ · (\d+ parallel × )?up to [\d,]+ tokens of context$/);
        await expect.poll(() => q8.getByRole("status").textContent(), {timeout: 30_000}).toMatch(/^Could not estimate: /);

        await q4.getByRole("button", {name: "Download"}).click();
        const download = page.getByRole("listitem").filter({has: page.getByRole("progressbar", {name: "Thinker Thinker-Q4_K_M"})});
        await expect.poll(() => download.textContent(), {timeout: 20_000}).toContain("Ready");
        await download.getByRole("button", {name: "Load"}).click();
        await expect.poll(() => download.textContent(), {timeout: 30_000}).toContain("Loaded");
        await page.getByRole("button", {name: "Back to chat"}).click();
        const composer = page.getByRole("textbox", {name: "Message"});
        await expect.poll(() => composer.isEditable(), {timeout: 10_000}).toBe(true);
        await composer.fill("Hello, found model!");
        await composer.press("Enter");
        await expect.poll(() => page.getByRole("article", {name: "Assistant"}).last().textContent(), {timeout: 30_000}).toContain(expectedTexts.answer);
    });

    test("a gated repository says so; its download is refused until a token is saved; the token is never shown again", async () => {
        // The Models view comes back where it was left: on the repository's page.
        await page.getByRole("button", {name: "Models"}).click();
        await page.getByRole("article", {name: "tiny/Thinker-GGUF"}).getByRole("button", {name: "Back to results"}).click();
        await results().getByRole("button", {name: "locked/Gated-Thinker-GGUF"}).click();
        const repository = page.getByRole("article", {name: "locked/Gated-Thinker-GGUF"});
        await expect.poll(() => repository.getByRole("note").textContent(), {timeout: 10_000}).toContain("This repository is gated");
        const file = repository.getByRole("listitem", {name: "Q4_K_M"});
        await expect.poll(() => file.getByRole("status").textContent(), {timeout: 30_000}).toContain("is gated: accept its licence");

        await file.getByRole("button", {name: "Download"}).click();
        const download = page.getByRole("listitem").filter({has: page.getByRole("progressbar", {name: "Gated-Thinker Gated-Thinker-Q4_K_M"})});
        await expect.poll(() => download.textContent(), {timeout: 20_000}).toContain("Failed");
        expect(await download.textContent()).toContain("the repository is gated or private");

        const token = page.getByLabel("Hugging Face token (optional)");
        await token.fill("hf_granted");
        await page.getByRole("button", {name: "Save token"}).click();
        await expect.poll(() => page.getByText("A token is saved, sealed with the key file in the data folder.").count(), {timeout: 10_000}).toBe(1);
        expect(await token.inputValue()).toBe("");

        // Asked again, the failed download continues, now with the token.
        await file.getByRole("button", {name: "Download"}).click();
        await expect.poll(() => download.textContent(), {timeout: 20_000}).toContain("Ready");
        await page.getByRole("button", {name: "Remove token"}).click();
        await expect.poll(() => page.getByRole("button", {name: "Remove token"}).count(), {timeout: 10_000}).toBe(0);
    });

    test("a rate-limited hub gets its own message, and searching again works", async () => {
        await page.getByRole("button", {name: "Back to results"}).click();
        hub.failNextApiRequests(429);
        await page.getByRole("combobox", {name: "Sort by"}).selectOption("recent");
        await expect.poll(() => page.getByRole("alert").filter({hasText: "is limiting how often Ponder may ask"}).count(), {timeout: 10_000}).toBe(1);
        await page.getByRole("searchbox", {name: "Search the hub"}).press("Enter");
        await expect.poll(() => results().getByRole("listitem").count(), {timeout: 10_000}).toBe(20);
    });
});
