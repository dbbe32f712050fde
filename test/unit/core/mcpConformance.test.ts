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
    // The suite's exit code says whether the scenario passed; its report goes to stderr.
    const {stderr} = await promisify(execFile)(process.execPath, [suiteCli, "client", "--command", clientCommand, "--scenario", scenario], {
        timeout: 60_000
    }).catch((error: {stdout?: string; stderr?: string}) => {
        throw new Error(`${scenario} failed:\n${error.stdout ?? ""}\n${error.stderr ?? ""}`);
    });
    const [, passed, checks, failed] = /Passed: (\d+)\/(\d+), (\d+) failed/.exec(stderr) ?? [];
    expect({passed: Number(passed), failed: Number(failed)}).toEqual({passed: Number(checks), failed: 0});
    expect(Number(checks)).toBeGreaterThan(0);
}, 90_000);
