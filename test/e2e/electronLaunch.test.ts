import {createRequire} from "node:module";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {_electron as electron} from "playwright-core";
import {expect, test} from "vitest";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Electron's binary, or undefined where it isn't installed (it can't be downloaded on every machine). */
function electronBinary(): string | undefined {
    try {
        return createRequire(import.meta.url)("electron") as unknown as string;
    } catch {
        return undefined;
    }
}

const binary = electronBinary();

test.skipIf(binary == null)("the desktop app opens a sandboxed window with the chat (needs Electron's binary: skipped where it is not installed)", async () => {
    const app = await electron.launch({executablePath: binary!, args: [path.join(repoRoot, "out/main/main.js")], cwd: repoRoot});
    try {
        const window = await app.firstWindow();
        await expect.poll(() => window.title()).toBe("Ponder");
        await window.getByRole("textbox", {name: "Message"}).waitFor();
        expect(await window.evaluate(() => typeof (window as unknown as {ponder?: unknown}).ponder)).toBe("object");
        // The renderer has no Node: no require, no process.
        expect(await window.evaluate(() => typeof (globalThis as {require?: unknown}).require)).toBe("undefined");
        expect(await window.evaluate(() => typeof (globalThis as {process?: unknown}).process)).toBe("undefined");
    } finally {
        await app.close();
    }
});
