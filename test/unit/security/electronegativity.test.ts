import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {createRequire} from "node:module";
import os from "node:os";
import path from "node:path";
import {transformSync} from "esbuild";
import {afterAll, expect, test} from "vitest";

/*
 * Electronegativity (Doyensec's Electron auditor) over what Ponder ships: the built main,
 * preload and renderer in out/. Its CLI exits 0 whatever it finds, so this test runs its
 * scanner and fails on any high-severity finding.
 */

interface Finding {
    id: string;
    file: string;
    location: {line: number, column: number};
    severity: {name: "INFORMATIONAL" | "LOW" | "MEDIUM" | "HIGH"};
    confidence: {name: string};
    description: string;
}

interface ScanResult {
    globalChecks: number;
    atomicChecks: number;
    errors: {file: string, message: string}[];
    issues: Finding[];
}

const require = createRequire(import.meta.url);
const scan = require("@doyensec/electronegativity/dist/runner.js") as (options: Record<string, unknown>, forCli: boolean) => Promise<ScanResult>;

const builtApp = path.resolve("out");
const scanDir = mkdtempSync(path.join(os.tmpdir(), "ponder-electronegativity-"));

afterAll(() => rmSync(scanDir, {recursive: true, force: true}));

/**
 * The scanner's parser predates class private fields, so each bundle is lowered to ES2019
 * first: the same code, in syntax it can read. Without this it skips the files it can't parse.
 */
function copyForScanner(from: string, to: string) {
    mkdirSync(to, {recursive: true});
    for (const entry of readdirSync(from, {withFileTypes: true})) {
        const source = path.join(from, entry.name);
        const target = path.join(to, entry.name);
        if (entry.isDirectory())
            copyForScanner(source, target);
        else if (/\.(c|m)?js$/.test(entry.name))
            writeFileSync(target.replace(/\.(c|m)js$/, ".js"), transformSync(readFileSync(source, "utf8"), {target: "es2019", format: entry.name.endsWith(".cjs") ? "cjs" : "esm", loader: "js"}).code);
        else if (entry.name.endsWith(".html"))
            cpSync(source, target);
    }
}

test("Electronegativity finds nothing of high severity in the built app", {timeout: 120_000}, async () => {
    if (!existsSync(path.join(builtApp, "main/main.js")))
        throw new Error("out/ is missing: run `npm run build` first (npm test does).");
    copyForScanner(builtApp, scanDir);
    // The scanner reads the Electron version from package.json to know each version's defaults.
    const electronVersion = (JSON.parse(readFileSync("package.json", "utf8")) as {devDependencies: Record<string, string>}).devDependencies.electron;
    writeFileSync(path.join(scanDir, "package.json"), JSON.stringify({name: "ponder", devDependencies: {electron: electronVersion}}));

    const result = await scan({
        input: scanDir,
        isRelative: true,
        isVerbose: false,
        isSarif: false,
        customScan: [],
        // That check downloads Electron's release list; CI is offline, and the version is pinned in package.json anyway.
        excludeFromScan: ["AvailableSecurityFixesGlobalCheck"],
        parserPlugins: []
    }, false);

    expect(result.errors, "every file was parsed, so every file was checked").toEqual([]);
    expect(result.atomicChecks).toBeGreaterThan(20);
    const high = result.issues.filter((finding) => finding.severity.name === "HIGH")
        .map((finding) => `${finding.id} at ${finding.file}:${finding.location.line}: ${finding.description}`);
    expect(high).toEqual([]);
});
