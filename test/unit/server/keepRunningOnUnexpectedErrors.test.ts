import {spawn} from "node:child_process";
import path from "node:path";
import {describe, expect, test} from "vitest";

// A child process, as the handlers are process-wide and this test runner has its own.
const script = `
import {keepRunningOnUnexpectedErrors} from ${JSON.stringify(path.resolve("electron/server/keepRunningOnUnexpectedErrors.ts"))};
keepRunningOnUnexpectedErrors();
setTimeout(() => { throw new Error("thrown from a timer"); }, 0);
setTimeout(() => void Promise.reject(new Error("rejected with nobody listening")), 10);
setTimeout(() => { console.log("still serving"); process.exit(0); }, 100);
`;

describe("keepRunningOnUnexpectedErrors", () => {
    test("an uncaught error and an unhandled rejection are logged, and the process keeps running", async () => {
        const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {stdio: ["ignore", "pipe", "pipe"]});
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => void (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
        const code = await new Promise((resolve) => child.once("exit", resolve));
        expect(code).toBe(0);
        expect(stdout).toContain("still serving");
        expect(stderr).toMatch(/Unexpected error; Ponder keeps running:.*thrown from a timer/s);
        expect(stderr).toMatch(/Unhandled rejection; Ponder keeps running:.*rejected with nobody listening/s);
    });
});
