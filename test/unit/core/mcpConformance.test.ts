import {execFile} from "node:child_process";
import {createRequire} from "node:module";
import path from "node:path";
import {fileURLToPath, pathToFileURL} from "node:url";
import {promisify} from "node:util";
import {expect, test} from "vitest";

const require = createRequire(import.meta.url);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const suiteCli = path.join(path.dirname(require.resolve("@modelcontextprotocol/conformance/package.json")), "dist/index.js");
const clientCommand = `"${process.execPath}" --import ${pathToFileURL(require.resolve("tsx")).href} "${path.join(repoRoot, "test/fixtures/mcp/conformanceClient.ts")}"`;

/**
 * The client scenarios of the official suite that Ponder's client is in scope for: the lifecycle,
 * tools, and Streamable HTTP's reconnection after a closed SSE stream. Left out, since Ponder
 * declares neither: elicitation (`elicitation-sep1034-client-defaults`) and OAuth (`auth/*`;
 * a server's bearer token goes in its headers instead).
 */
const scenarios = ["initialize", "tools_call", "sse-retry"];

test.each(scenarios)("the official MCP conformance suite's client scenario %s passes against Ponder's MCP client", async (scenario) => {
    // The suite fails a scenario on warnings too (a reconnection a little late on a busy machine);
    // its report, on stderr, tells failures apart: those and a client that failed or hung fail here.
    const report = await promisify(execFile)(process.execPath, [suiteCli, "client", "--command", clientCommand, "--scenario", scenario], {timeout: 60_000})
        .then(({stderr}) => stderr, (error: {stderr?: string}) => error.stderr ?? String(error));
    expect(report, report).not.toMatch(/CLIENT (TIMED OUT|EXITED WITH ERROR)/);
    const [, passed, checks, failed] = /Passed: (\d+)\/(\d+), (\d+) failed/.exec(report) ?? [];
    expect({passed: Number(passed), failed: Number(failed)}, report).toEqual({passed: Number(checks), failed: 0});
    expect(Number(checks)).toBeGreaterThan(0);
}, 90_000);
