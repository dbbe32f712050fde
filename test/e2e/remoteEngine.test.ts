import {copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import OpenAI from "openai";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import type {MessageStats} from "../../electron/contract.ts";
import {ensureFixtureModels} from "../fixtures/models/fixtureModels.ts";
import {expectedTexts} from "../fixtures/models/scriptedModel.ts";
import {showView} from "./support/ponderUi.ts";
import {launchChromium, type ChromiumSession} from "./support/launchChromium.ts";
import {startServe, type RunningServe} from "./support/startServe.ts";

// Two Ponders: `remote` runs the model and serves it on /v1, as vLLM or llama.cpp's server would
// on a cluster; `local` has no model file at all and reaches it as a remote engine.
const remoteKey = "remote-engine-key-4f9b2c";
let dir: string;
let remote: RunningServe;
let local: RunningServe;
let browser: ChromiumSession;
let page: Page;

beforeAll(async () => {
    const fixtures = await ensureFixtureModels();
    dir = mkdtempSync(path.join(tmpdir(), "ponder-remote-"));
    mkdirSync(path.join(dir, "remote-models"));
    mkdirSync(path.join(dir, "local-models"));
    copyFileSync(fixtures.prefilled, path.join(dir, "remote-models", "qwq-tiny.gguf"));
    [remote, local] = await Promise.all([
        startServe({dataDir: path.join(dir, "remote-data"), modelsDir: path.join(dir, "remote-models"), model: "qwq-tiny.gguf", extraArgs: ["--api-key", remoteKey]}),
        startServe({dataDir: path.join(dir, "local-data"), modelsDir: path.join(dir, "local-models")})
    ]);
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.goto(local.url);
});

afterAll(async () => {
    await browser?.close();
    await Promise.all([remote?.stop(), local?.stop()]);
    if (dir != null)
        rmSync(dir, {recursive: true, force: true});
});

const remoteOrigin = () => new URL(remote.url).origin;
/** Named by the server's own name (Ponder's /v1 says `owned_by: "ponder"`) and where it is. */
const engineName = () => `Ponder (${new URL(remote.url).host})`;
const composer = () => page.getByRole("textbox", {name: "Message"});
const lastAssistant = () => page.getByRole("article", {name: "Assistant"}).last();

async function addEngine(address: string, key: string) {
    await page.getByRole("textbox", {name: "Engine address"}).fill(address);
    await page.getByLabel("Engine API key", {exact: true}).fill(key);
    await page.getByRole("button", {name: "Add engine"}).click();
}

describe("a remote OpenAI-compatible engine (Ponder's own /v1 in a second process)", () => {
    test("a wrong key is refused with the engine's own message, and nothing is added", async () => {
        await showView(page, "Settings");
        await addEngine(remoteOrigin(), "not-the-key");
        await expect.poll(() => page.getByRole("alert").filter({hasText: "401"}).textContent()).toContain("Incorrect API key");
        expect(await page.getByRole("list", {name: `Models of ${engineName()}`}).count()).toBe(0);
    });

    test("added with its address and key, it lists its models, one loads, and the chat shows reasoning folded as for a local model", async () => {
        // The bare origin: Ponder adds /v1 as OpenAI's clients expect.
        await addEngine(remoteOrigin(), remoteKey);
        const models = page.getByRole("list", {name: `Models of ${engineName()}`});
        // By the display name the server gives (its `name`), not its id.
        await expect.poll(() => models.getByRole("listitem").allTextContents()).toEqual(["Ponder scripted prefilled-thinkLoad"]);
        await models.getByRole("button", {name: "Load"}).click();
        await showView(page, "Back to chat");
        await expect.poll(() => page.getByRole("combobox", {name: "Model", exact: true}).getAttribute("title")).toBe(`Runs on ${engineName()}`);

        await composer().fill("Hello from the other machine");
        await composer().press("Enter");
        const summary = lastAssistant().locator("details > summary");
        await expect.poll(() => summary.textContent(), {timeout: 30_000}).toMatch(/^Thought for [\d.]+ s$/);
        await expect.poll(() => lastAssistant().textContent()).toContain(expectedTexts.answer);
        expect(await lastAssistant().locator("details").evaluate((details) => (details as HTMLDetailsElement).open)).toBe(false);
        expect(await lastAssistant().textContent()).not.toMatch(/<\/?think>/);
    });

    test("load options, the KV cache type and draft model among them, say they don't apply to the engine", async () => {
        await page.getByRole("button", {name: "Chat settings"}).click();
        await page.getByLabel("This model's defaults").check();
        for (const label of ["Context size", "KV cache", "Draft model"]) {
            const field = page.locator(".settings__field").filter({has: page.getByLabel(label, {exact: true})});
            await expect.poll(() => field.locator(".settings__unsupported").textContent(), {message: label}).toBe("Doesn't apply to this engine");
        }
        expect(await page.locator(".settings__field").filter({has: page.getByLabel("Temperature", {exact: true})}).locator(".settings__unsupported").count()).toBe(0);
        await page.getByRole("button", {name: "Close chat settings"}).click();
    });

    test("after a reload the conversation, its reasoning and the engine are still there", async () => {
        await page.reload();
        const conversations = page.getByRole("navigation", {name: "Conversations"});
        await expect.poll(() => conversations.getByText("Hello from the other machine").count()).toBe(1);
        const details = lastAssistant().locator("details");
        await expect.poll(() => details.locator("summary").textContent()).toMatch(/^Thought for [\d.]+ s$/);
        await details.locator("summary").click();
        await expect.poll(async () => (await details.innerText()).replace(/\s+/g, " ")).toContain(expectedTexts.reasoning.replace(/\s+/g, " "));
        await showView(page, "Settings");
        await expect.poll(() => page.getByRole("list", {name: `Models of ${engineName()}`}).getByText("Loaded").count()).toBe(1);
    });

    test("the reply is stored with the same stats as a local one, and the key is never in the database in plain text", async () => {
        const dataDir = path.join(dir, "local-data");
        const db = new Database(path.join(dataDir, "ponder.db"), {readonly: true});
        try {
            const row = db.prepare("SELECT text, reasoning, stats FROM messages WHERE role = 'assistant'").get() as {text: string; reasoning: string; stats: string};
            expect(row).toMatchObject({text: expectedTexts.answer, reasoning: expectedTexts.reasoning});
            const stats = JSON.parse(row.stats) as MessageStats;
            expect(stats).toMatchObject({stopReason: "finished", answerTokens: 10});
            // The server's short id for it, stable across its loads.
            expect(stats.modelId).toMatch(/^remote:.+\/qwq-tiny$/);
            expect(stats.reasoningTokens).toBeGreaterThan(10);
            expect(stats.tokensPerSecond).toBeGreaterThan(0);
        } finally {
            db.close();
        }
        for (const file of readdirSync(dataDir).filter((name) => name.startsWith("ponder.db")))
            expect(readFileSync(path.join(dataDir, file)).includes(remoteKey), file).toBe(false);
    });

    test("the Local API panel shows serve's /v1 and a working key; an OpenAI client gets the remote model's reasoning through it", async () => {
        const address = page.getByRole("textbox", {name: "API address"});
        await expect.poll(() => address.inputValue()).toBe(`${new URL(local.url).origin}/v1`);
        const apiKey = await page.getByRole("textbox", {name: "Local API key"}).inputValue();
        expect(apiKey).toBe(new URL(local.url).searchParams.get("token"));
        await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], {origin: new URL(local.url).origin});
        await page.getByRole("button", {name: "Copy example"}).click();
        await expect.poll(() => page.getByRole("button", {name: "Copied"}).count()).toBe(1);
        const example = await page.evaluate(() => navigator.clipboard.readText());
        expect(example).toBe(await page.getByLabel("Example request").textContent());
        expect(example).toContain(`Bearer ${apiKey}`);

        // Two hops, reasoning intact: client → this Ponder's /v1 → the remote Ponder's /v1 → its model.
        const modelId = JSON.parse(/-d '(.*)'$/m.exec(example)![1]!).model as string;
        // The server's own short id, not Ponder's internal "remote:<engine>/…" one.
        expect(modelId).toBe("qwq-tiny");
        const client = new OpenAI({baseURL: await address.inputValue(), apiKey, maxRetries: 0});
        const completion = await client.chat.completions.create({model: modelId, messages: [{role: "user", content: "Through two Ponders"}]});
        expect(completion.choices[0]!.message).toMatchObject({content: expectedTexts.answer, reasoning_content: expectedTexts.reasoning});
        expect(completion.usage!.completion_tokens_details!.reasoning_tokens).toBeGreaterThan(10);
    });

    test("removing the engine takes it and its models out of the list", async () => {
        await page.getByRole("button", {name: `Remove ${engineName()}`}).click();
        await expect.poll(() => page.getByRole("list", {name: `Models of ${engineName()}`}).count()).toBe(0);
    });
});
