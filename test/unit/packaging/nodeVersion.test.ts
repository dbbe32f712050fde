import {spawnSync} from "node:child_process";
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {afterAll, describe, expect, test} from "vitest";

/*
 * Which Node.js each command needs (README, "On a fresh machine"): Electron's installer and
 * @electron/rebuild `require()` ES modules, which Node.js does from 20.19 and 22.12 on; vite 8,
 * rolldown and electron-vite declare the same. The one range is stated in `engines`,
 * `devEngines` (npm ≥ 10.9 refuses any command outside it) and scripts/checkNode.mjs, which
 * every command runs first.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const packageJson = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
    engines: {node: string};
    devEngines: {runtime: {name: string; version: string; onFail: string}};
    scripts: Record<string, string>;
};
const nodeRange = "^20.19.0 || >=22.12.0";
const sandboxes: string[] = [];

afterAll(() => {
    for (const sandbox of sandboxes)
        rmSync(sandbox, {recursive: true, force: true});
});

/** Runs the real scripts/checkNode.mjs in a copy of the repository's files that declares `range`. */
function checkNodeAgainst(range: string, script = "start") {
    const sandbox = mkdtempSync(path.join(tmpdir(), "ponder-check-node-"));
    sandboxes.push(sandbox);
    mkdirSync(path.join(sandbox, "scripts"));
    copyFileSync(path.join(repoRoot, "scripts/checkNode.mjs"), path.join(sandbox, "scripts/checkNode.mjs"));
    copyFileSync(path.join(repoRoot, ".nvmrc"), path.join(sandbox, ".nvmrc"));
    writeFileSync(path.join(sandbox, "package.json"), JSON.stringify({engines: {node: range}}));
    return spawnSync(process.execPath, [path.join(sandbox, "scripts/checkNode.mjs")], {
        encoding: "utf8",
        env: {...process.env, npm_lifecycle_event: script}
    });
}

describe("the Node.js versions Ponder supports", () => {
    test("engines and devEngines state one range, which this Node is in", () => {
        expect(packageJson.engines.node).toBe(nodeRange);
        expect(packageJson.devEngines.runtime).toEqual({name: "node", version: nodeRange, onFail: "error"});
        expect(checkNodeAgainst(nodeRange).status).toBe(0);
    });

    test("install, start, serve, test, dist and bench check the version before anything else", () => {
        for (const script of ["preinstall", "start", "serve", "dist", "bench"])
            expect(packageJson.scripts[script], script).toMatch(/^node scripts\/checkNode\.mjs( &&|$)/);
        const testRunner = readFileSync(path.join(repoRoot, "scripts/test.sh"), "utf8");
        expect(testRunner.indexOf("node scripts/checkNode.mjs")).toBeLessThan(testRunner.indexOf("npm ci"));
    });

    test.each([
        [`>=${Number(process.versions.node.split(".")[0]) + 1}.0.0`, "a later major"],
        [`^${process.versions.node.split(".")[0]}.999.0`, "a later minor of this major"],
        [`^18.20.0 || >=${Number(process.versions.node.split(".")[0]) + 1}.0.0`, "another major, or a later one"]
    ])("a Node.js outside %s (%s) is stopped with one clear sentence", (range) => {
        const result = checkNodeAgainst(range, "serve");
        expect(result.status).toBe(1);
        const nvmrc = readFileSync(path.join(repoRoot, ".nvmrc"), "utf8").trim();
        expect(result.stderr.trim()).toMatch(new RegExp(`^Ponder needs Node\\.js .+, for npm run serve, and this is Node\\.js ${process.versions.node.replaceAll(".", "\\.")}: install Node\\.js ${nvmrc} \\(the version in \\.nvmrc; \`nvm install\` in this folder does it\\) and run the command again\\.$`));
    });

    test("the sentence names the versions the way a person reads them", () => {
        expect(checkNodeAgainst("^18.20.0 || >=99.1.0", "preinstall").stderr).toContain("needs Node.js 18.20 or a later 18.x, or 99.1 or later, for npm install,");
    });

    test("the README says the same versions and the .nvmrc one", () => {
        const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
        const nvmrc = readFileSync(path.join(repoRoot, ".nvmrc"), "utf8").trim();
        expect(readme).toContain("Node.js 20.19 or a later 20.x, or 22.12 or later");
        expect(readme).toContain(`\`.nvmrc\` (Node.js ${nvmrc})`);
    });
});
