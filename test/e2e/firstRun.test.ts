import {mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {FakeHub} from "../fixtures/hub/FakeHub.ts";
import {copyFixtureModels} from "../fixtures/models/copyFixtureModels.ts";
import {expectedTexts} from "../fixtures/models/scriptedModel.ts";
import {openPonder, type PonderSession} from "./support/openPonder.ts";

let fixturesDir: string;
let hub: FakeHub;
let session: PonderSession;

beforeAll(async () => {
    fixturesDir = mkdtempSync(path.join(tmpdir(), "ponder-e2e-first-run-"));
    const fixtures = await copyFixtureModels(fixturesDir);
    hub = await FakeHub.start();
    // The first-run candidates under their real hub names, each a tiny generated model.
    await hub.addFile("Qwen/QwQ-32B-GGUF", "qwq-32b-q4_k_m.gguf", fixtures.prefilled);
    for (const size of ["14B", "7B", "1.5B"])
        await hub.addFile(`bartowski/DeepSeek-R1-Distill-Qwen-${size}-GGUF`, `DeepSeek-R1-Distill-Qwen-${size}-Q4_K_M.gguf`, fixtures.prefilled);
    // An empty models folder: a first run.
    session = await openPonder({serveArgs: ["--hub-url", hub.url], permissions: ["clipboard-read", "clipboard-write"]});
});

afterAll(async () => {
    await session?.close();
    await hub?.close();
    if (fixturesDir != null)
        rmSync(fixturesDir, {recursive: true, force: true});
});

describe("first run in Chromium", () => {
    test("the welcome detects the machine and recommends the best model that fits it", async () => {
        const {page} = session;
        await expect.poll(() => page.getByRole("heading", {name: "Welcome to Ponder"}).count()).toBe(1);

        const machine = page.getByRole("definition").filter({hasText: /GB|MB/});
        await expect.poll(() => machine.first().textContent()).toMatch(/^[\d.,]+ GB$/);
        await expect.poll(() => page.getByLabel("This computer", {exact: true}).textContent()).toContain("No supported GPU: models run on the CPU");

        // No GPU here: QwQ-32B would crawl on the CPU, so the largest distill that reasons at a usable speed there.
        const pick = page.getByRole("article", {name: "Recommended for this computer"});
        await expect.poll(() => pick.textContent(), {timeout: 30_000}).toContain("DeepSeek-R1-Distill-Qwen-7B Q4_K_M");
        await expect.poll(() => pick.getByRole("status").textContent()).toMatch(/^Runs on the CPUneeds .+ · \d+ parallel × up to [\d,]+ tokens of context$/);

        // The catalog's badge follows this machine's pick, not the catalog's default (QwQ-32B).
        await page.getByRole("button", {name: "All models"}).click();
        const catalog = page.getByRole("list", {name: "Catalog"});
        const badged = catalog.getByRole("listitem").filter({has: page.getByText("Recommended", {exact: true})});
        await expect.poll(() => badged.count()).toBe(1);
        expect(await badged.getAttribute("aria-label")).toBe("DeepSeek-R1-Distill-Qwen-7B Q4_K_M");
        await page.getByRole("button", {name: "Back to chat"}).click();
    });

    test("one click downloads the model, loads it, and an example prompt gets an answer", async () => {
        const {page} = session;
        const pick = page.getByRole("article", {name: "Recommended for this computer"});
        hub.bytesPerSecond = 200_000;
        await pick.getByRole("button", {name: "Download and start"}).click();
        const progress = pick.getByRole("progressbar", {name: "DeepSeek-R1-Distill-Qwen-7B Q4_K_M"});
        await expect.poll(async () => Number(await progress.getAttribute("value")), {timeout: 20_000}).toBeGreaterThan(0);
        hub.bytesPerSecond = null;

        // Verified, then loaded without another click; the welcome gives way to the examples.
        const examples = page.getByRole("region", {name: "Try one of these"});
        await expect.poll(() => examples.getByRole("button").count(), {timeout: 60_000}).toBe(3);
        expect(await examples.getByRole("button").allTextContents()).toEqual([
            "How many times does the letter r appear in the word \"strawberry\"?",
            "What is the area of a triangle whose sides are 3, 4 and 5?",
            expect.stringMatching(/^A farmer must take a wolf, a goat and a cabbage across a river\./)
        ]);
        expect(await page.getByRole("heading", {name: "Welcome to Ponder"}).count()).toBe(0);

        await examples.getByRole("button", {name: /strawberry/}).click();
        const articles = page.getByRole("article");
        await expect.poll(() => articles.first().textContent()).toContain("strawberry");
        await expect.poll(() => articles.nth(1).textContent(), {timeout: 30_000}).toContain(expectedTexts.answer.trim().slice(0, 40));
        // The chat was named after the example.
        await expect.poll(() => page.getByRole("heading", {level: 1}).textContent()).toContain("strawberry");
    });

    test("the About box names the versions: app, llama.cpp and its backend", async () => {
        const {page} = session;
        await page.getByRole("button", {name: "About Ponder"}).click();
        const about = page.getByRole("dialog", {name: "About Ponder"});
        await expect.poll(() => about.isVisible()).toBe(true);
        await expect.poll(() => about.getByRole("definition").count()).toBeGreaterThan(5);
        const text = await about.textContent();
        const {version} = JSON.parse(readFileSync("package.json", "utf8")) as {version: string};
        expect(text).toContain(`Version${version}`);
        expect(text).toMatch(/llama\.cpp(b\d+|v\d+\.\d+\.\d+) \(CPU\)/);
        expect(text).toMatch(/node-llama-cpp3\.21\.1/);
        expect(text).toContain(`Node.js${process.versions.node}`);
        // `serve` runs without Electron, so the box doesn't invent a version for it.
        expect(text).not.toContain("Electron");
        // Where the log is, and its last lines in what "Copy details" puts on the clipboard for a bug report.
        expect(text).toContain(`Logs${path.join(session.dataDir, "logs")}`);
        expect(await about.getByRole("button", {name: "Open logs folder"}).count(), "serve can't open a folder on the server's screen").toBe(0);
        await about.getByRole("button", {name: "Copy details"}).click();
        await expect.poll(() => about.getByRole("button", {name: "Copied"}).count()).toBe(1);
        const copied = await session.page.evaluate(() => navigator.clipboard.readText());
        expect(copied).toContain("Last lines of the log:");
        expect(copied).toMatch(/INFO  \[core\] Ponder started version=/);
        await about.getByRole("button", {name: "Close"}).click();
        await expect.poll(() => about.isVisible()).toBe(false);
    });

    test("light and dark themes follow the OS", async () => {
        const {page} = session;
        const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        const luminance = (color: string) => {
            const [red, green, blue] = color.match(/\d+/g)!.map(Number);
            return (0.2126 * red! + 0.7152 * green! + 0.0722 * blue!) / 255;
        };
        // The theme follows the system's change event, so the new colours arrive a task later.
        await page.emulateMedia({colorScheme: "light"});
        await expect.poll(async () => luminance(await background())).toBeGreaterThan(0.8);
        await page.emulateMedia({colorScheme: "dark"});
        await expect.poll(async () => luminance(await background())).toBeLessThan(0.2);
        await page.emulateMedia({colorScheme: "light"});
    });
});

