import {spawn, type ChildProcess} from "node:child_process";
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {createInterface} from "node:readline";
import {fileURLToPath} from "node:url";
import fuses from "@electron/fuses";
import {FuseState} from "@electron/fuses/dist/constants.js";
import yaml from "js-yaml";
import {chromium, type Browser, type Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {ensureFixtureModels} from "../fixtures/models/fixtureModels.ts";
import {expectedTexts} from "../fixtures/models/scriptedModel.ts";

/*
 * The installed app itself, as `npm run dist` left it unpacked in release/ for this OS and
 * architecture (`npm run test:packaged`; the release workflow runs it on every OS after building
 * the installers). Its fuses are read back from the binary, then it is started on a generated
 * tiny model and asked one question.
 *
 * Playwright's `_electron.launch` can't start it: it needs the Node inspector (`--inspect`),
 * which the release turns off (the EnableNodeCliInspectArguments fuse). So the app is started
 * as a user would, plus Chromium's own `--remote-debugging-port`, and Playwright drives its
 * window over CDP.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const {getCurrentFuseWire, FuseV1Options} = fuses;

/** electron-builder's unpacked folder for this platform and architecture, and the executable in it. */
function packagedExecutable(): string | undefined {
    const release = path.join(repoRoot, "release");
    const archSuffix = process.arch === "x64" ? "" : `-${process.arch}`;
    const candidates = {
        darwin: [path.join(release, process.arch === "x64" ? "mac" : `mac-${process.arch}`, "Ponder.app/Contents/MacOS/Ponder")],
        win32: [path.join(release, `win${archSuffix}-unpacked`, "Ponder.exe")],
        linux: ["ponder", "Ponder"].map((name) => path.join(release, `linux${archSuffix}-unpacked`, name))
    }[process.platform as "darwin" | "win32" | "linux"] ?? [];
    return candidates.find((candidate) => existsSync(candidate));
}

const executable = packagedExecutable();
const skipReason = "needs the unpacked app `npm run dist` builds in release/ for this OS (Electron's binary can't be downloaded here)";

describe.skipIf(executable == null)(`the packaged app (${skipReason})`, () => {
    test("its fuses are the ones electron-builder.yml sets", async () => {
        const wanted = (yaml.load(readFileSync(path.join(repoRoot, "electron-builder.yml"), "utf8")) as {electronFuses: Record<string, boolean>}).electronFuses;
        const wire = await getCurrentFuseWire(executable!);
        for (const [name, enabled] of Object.entries(wanted)) {
            // electron-builder's names are @electron/fuses' options in camelCase.
            const option = FuseV1Options[`${name[0]!.toUpperCase()}${name.slice(1)}` as keyof typeof FuseV1Options];
            expect(option, `${name} is a fuse this Electron has`).toBeDefined();
            expect(wire[option], name).toBe(enabled ? FuseState.ENABLE : FuseState.DISABLE);
        }
    });

    describe("started on a tiny reasoning model", () => {
        let dir: string;
        let app: ChildProcess;
        let browser: Browser;
        let page: Page;
        const output: string[] = [];

        beforeAll(async () => {
            dir = mkdtempSync(path.join(tmpdir(), "ponder-packaged-"));
            const modelsDir = path.join(dir, "models");
            mkdirSync(modelsDir);
            copyFileSync((await ensureFixtureModels()).prefilled, path.join(modelsDir, "qwq-tiny.gguf"));
            app = spawn(executable!, [
                "--data-dir", path.join(dir, "data"), "--models-dir", modelsDir, "--model", "qwq-tiny.gguf",
                "--remote-debugging-port=0",
                // CI's Linux runners have no setuid sandbox helper for an unpacked app.
                ...(process.platform === "linux" ? ["--no-sandbox"] : [])
            ], {stdio: ["ignore", "pipe", "pipe"]});
            const devTools = await new Promise<string>((resolve, reject) => {
                const timeout = setTimeout(() => reject(new Error(`The app did not open DevTools in 60 s:\n${output.join("\n")}`)), 60_000);
                for (const stream of [app.stdout!, app.stderr!]) {
                    createInterface({input: stream}).on("line", (line) => {
                        output.push(line);
                        const match = /DevTools listening on (ws:\/\/\S+)/.exec(line);
                        if (match != null) {
                            clearTimeout(timeout);
                            resolve(match[1]!);
                        }
                    });
                }
                app.once("exit", (code) => reject(new Error(`The app exited with ${code}:\n${output.join("\n")}`)));
            });
            browser = await chromium.connectOverCDP(devTools);
            await expect.poll(() => browser.contexts().flatMap((context) => context.pages()).length).toBeGreaterThan(0);
            page = browser.contexts().flatMap((context) => context.pages())[0]!;
        });

        afterAll(async () => {
            await browser?.close();
            if (app != null && app.exitCode == null && app.signalCode == null) {
                const exited = new Promise((resolve) => app.once("exit", resolve));
                app.kill();
                await exited;
            }
            if (dir != null)
                rmSync(dir, {recursive: true, force: true});
        });

        test("the window is the hardened one: no Node in the page, an isolated and sandboxed preload", async () => {
            await expect.poll(() => page.title()).toBe("Ponder");
            expect(await page.evaluate(() => typeof (window as unknown as {ponder?: unknown}).ponder)).toBe("object");
            for (const name of ["require", "process", "module", "Buffer"])
                expect(await page.evaluate((global) => typeof (globalThis as Record<string, unknown>)[global], name), name).toBe("undefined");

            // The preload runs in a world of its own (context isolation), as a sandboxed preload.
            const cdp = await page.context().newCDPSession(page);
            const isolatedWorlds: number[] = [];
            cdp.on("Runtime.executionContextCreated", ({context}) => {
                if ((context.auxData as {type?: string} | undefined)?.type === "isolated")
                    isolatedWorlds.push(context.id);
            });
            await cdp.send("Runtime.enable");
            await expect.poll(() => isolatedWorlds.length).toBeGreaterThan(0);
            const {result} = await cdp.send("Runtime.evaluate", {expression: "typeof process === 'object' && process.sandboxed === true", contextId: isolatedWorlds[0]!, returnByValue: true});
            expect(result.value).toBe(true);
        });

        test("asked one question, its reasoning folds to \"Thought for N s\" and the answer arrives", async () => {
            const composer = page.getByRole("textbox", {name: "Message"});
            await expect.poll(() => composer.isEditable()).toBe(true);
            await composer.fill("Hi there! How are you?");
            await composer.press("Enter");
            const reply = page.getByRole("article", {name: "Assistant"}).last();
            await expect.poll(() => reply.locator("details > summary").textContent()).toMatch(/^Thought for [\d.]+ s$/);
            await expect.poll(() => reply.textContent()).toContain(expectedTexts.answer);
            expect(await reply.locator("details").evaluate((details) => (details as HTMLDetailsElement).open)).toBe(false);
        });
    });
});
