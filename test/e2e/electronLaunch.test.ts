import {existsSync, readFileSync} from "node:fs";
import {createRequire} from "node:module";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {_electron as electron} from "playwright-core";
import {expect, test} from "vitest";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Electron's binary, or undefined where it isn't installed. Looked up without `require("electron")`,
 * which would try to download it (impossible on machines without internet, slow everywhere).
 */
function electronBinary(): string | undefined {
    const packageDir = path.dirname(createRequire(import.meta.url).resolve("electron/package.json"));
    const pathFile = path.join(packageDir, "path.txt");
    if (!existsSync(pathFile))
        return undefined;
    const binary = path.join(packageDir, "dist", readFileSync(pathFile, "utf8").trim());
    return existsSync(binary) ? binary : undefined;
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
