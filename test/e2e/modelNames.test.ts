import {copyFileSync, mkdirSync} from "node:fs";
import path from "node:path";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {ensureFixtureModels} from "../fixtures/models/fixtureModels.ts";
import {openPonder, type PonderSession} from "./support/openPonder.ts";
import {showView} from "./support/ponderUi.ts";

let session: PonderSession;
let page: Page;

beforeAll(async () => {
    const fixtures = await ensureFixtureModels();
    // In a subfolder, so its id is a path.
    session = await openPonder({
        models: {"nested/qwq-tiny.gguf": async (filePath) => {
            mkdirSync(path.dirname(filePath), {recursive: true});
            copyFileSync(fixtures.prefilled, filePath);
        }},
        model: "nested/qwq-tiny.gguf"
    });
    page = session.page;
});

afterAll(async () => {
    await session?.close();
});

describe("models by their names", () => {
    test("the API example names the model by its display name and a short id, never a path, wraps in a narrow window, and that id answers", async () => {
        await expect.poll(() => page.getByRole("combobox", {name: "Model"}).inputValue(), {timeout: 30_000}).toBe("nested/qwq-tiny.gguf");
        await showView(page, "Settings");
        const example = page.getByLabel("Example request");
        await expect.poll(() => example.textContent()).toMatch(/^# Ponder scripted prefilled-think\ncurl /);
        const text = (await example.textContent())!;
        expect(text).not.toContain("nested/");
        expect(text).not.toContain(".gguf");
        // In a narrow window the example wraps rather than scrolling sideways.
        await page.setViewportSize({width: 900, height: 700});
        expect(await example.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
        await page.setViewportSize({width: 1280, height: 860});

        const url = await page.getByRole("textbox", {name: "API address"}).inputValue();
        const key = await page.getByRole("textbox", {name: "Local API key"}).inputValue();
        const body = JSON.parse(/-d '(.*)'$/m.exec(text)![1]!) as {model: string};
        expect(body.model).toBe("qwq-tiny");
        const models = await (await fetch(`${url}/models`, {headers: {Authorization: `Bearer ${key}`}})).json() as {data: unknown[]};
        expect(models.data).toMatchObject([{id: "qwq-tiny", name: "Ponder scripted prefilled-think"}]);
        const reply = await fetch(`${url}/chat/completions`, {
            method: "POST",
            headers: {"Authorization": `Bearer ${key}`, "Content-Type": "application/json"},
            body: JSON.stringify({model: body.model, messages: [{role: "user", content: "Hi"}], max_tokens: 3})
        });
        expect(reply.status).toBe(200);
    });

    test("a bare host:port for an engine gets http:// before Ponder tries it", async () => {
        await page.getByRole("textbox", {name: "Engine address"}).fill("127.0.0.1:9");
        await page.getByRole("button", {name: "Add engine"}).click();
        await expect.poll(() => page.getByRole("alert").filter({hasText: "http://127.0.0.1:9"}).count(), {timeout: 20_000}).toBe(1);
    });
});
