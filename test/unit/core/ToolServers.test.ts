import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, test} from "vitest";
import type {ToolsView} from "../../../electron/contract.ts";
import {FileKeySecretStore} from "../../../electron/core/engines/FileKeySecretStore.ts";
import {EventBus} from "../../../electron/core/events/EventBus.ts";
import {Logger, MemoryLogSink} from "../../../electron/core/logging/Logger.ts";
import {openDatabase, type PonderDatabase} from "../../../electron/core/store/openDatabase.ts";
import {ToolServers, type ToolServersOptions} from "../../../electron/core/tools/ToolServers.ts";
import {mcpServerCommands, startEverythingOverHttp} from "../../fixtures/mcp/mcpServers.ts";
import {hugeResultChars} from "../../fixtures/mcp/troubleServer.ts";

// Each test starts real server processes, which takes seconds on a busy machine.
let dir: string;
let db: PonderDatabase;
let events: EventBus;
let views: ToolsView[];
const opened: ToolServers[] = [];

beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "ponder-tools-"));
    db = openDatabase(path.join(dir, "ponder.db"));
    events = new EventBus();
    views = [];
    events.on((event, payload) => {
        if (event === "tools.changed")
            views.push(payload as ToolsView);
    });
});
afterEach(async () => {
    await Promise.all(opened.splice(0).map((tools) => tools.dispose()));
    db.close();
    rmSync(dir, {recursive: true, force: true});
});

function openTools(options: Partial<ToolServersOptions> = {}) {
    const tools = new ToolServers(db, new FileKeySecretStore(path.join(dir, "secrets.key")), events, {
        allowCommands: true, clientVersion: "0.0.0-test", startTimeoutMs: 20_000, ...options
    });
    opened.push(tools);
    return tools;
}

const toolOf = (tools: ToolServers, callName: string) => {
    const tool = tools.callable().find((candidate) => candidate.callName === callName);
    if (tool == null)
        throw new Error(`no callable tool ${callName}`);
    return tool;
};

describe("real MCP servers from npm", {timeout: 60_000}, () => {
    test("server-everything over stdio: starting, then ready with its tools; a call runs", async () => {
        const tools = openTools();
        const server = await tools.add({...mcpServerCommands.everything, name: "everything"});
        expect(views.map((view) => view.servers[0]?.status)).toEqual(["starting", "ready"]);
        expect(server.status).toBe("ready");
        expect(server.tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(["echo", "get-sum", "get-env"]));
        expect(server.tools.find((tool) => tool.name === "echo")).toMatchObject({callName: "echo", description: "Echoes back the input string", enabled: true, alwaysAllow: false});

        const sum = await tools.call(toolOf(tools, "get-sum"), {a: 2, b: 40});
        expect(sum).toMatchObject({isError: false, truncatedFromChars: null});
        expect(sum.text).toContain("42");
    });

    test("a command server inherits none of Ponder's environment, only what the user gave it", async () => {
        process.env.PONDER_TEST_SECRET = "do-not-leak";
        try {
            const tools = openTools();
            await tools.add({...mcpServerCommands.everything, env: {GIVEN_BY_USER: "yes"}});
            const {text} = await tools.call(toolOf(tools, "get-env"), {});
            const environment = JSON.parse(text) as Record<string, string>;
            expect(environment.GIVEN_BY_USER).toBe("yes");
            expect(environment.PONDER_TEST_SECRET).toBeUndefined();
            expect(environment.PATH).toBe(process.env.PATH);
        } finally {
            delete process.env.PONDER_TEST_SECRET;
        }
    });

    test("server-filesystem, limited to a temporary folder, reads inside it and refuses outside", async () => {
        const allowed = path.join(dir, "allowed");
        mkdirSync(allowed);
        writeFileSync(path.join(allowed, "notes.txt"), "the answer is 42");
        writeFileSync(path.join(dir, "secret.txt"), "outside");
        const tools = openTools();
        const server = await tools.add(mcpServerCommands.filesystem(allowed));
        expect(server).toMatchObject({status: "ready", name: "index.js", args: [expect.stringContaining("server-filesystem"), allowed]});
        const read = toolOf(tools, "read_text_file");
        expect((await tools.call(read, {path: path.join(allowed, "notes.txt")})).text).toBe("the answer is 42");
        const refused = await tools.call(read, {path: path.join(dir, "secret.txt")});
        expect(refused.isError).toBe(true);
        expect(refused.text).toMatch(/denied|outside/i);
    });

    describe("server-everything over Streamable HTTP", () => {
        let http: Awaited<ReturnType<typeof startEverythingOverHttp>>;
        beforeAll(async () => {
            http = await startEverythingOverHttp();
        });
        afterAll(() => http.stop());

        test("ready with its tools, headers sent, a call runs", async () => {
            const tools = openTools();
            const server = await tools.add({url: http.url, headers: {Authorization: "Bearer not-checked"}});
            expect(server).toMatchObject({kind: "http", status: "ready", url: http.url, headerNames: ["Authorization"]});
            expect(server).not.toHaveProperty("headers");
            expect((await tools.call(toolOf(tools, "echo"), {message: "over http"})).text).toBe("Echo: over http");
        });

        test("a server that isn't there fails with the HTTP error", async () => {
            const tools = openTools();
            const server = await tools.add({url: new URL("/nothing-here", http.url).href});
            expect(server.status).toBe("failed");
            expect(server.error).toEqual({code: "tools.serverHttpError", params: {status: "404"}});
        });
    });
});

describe("lifecycle", {timeout: 60_000}, () => {
    test("starts only when enabled, stops on disable, and is started again at the next start of the app", async () => {
        const first = openTools();
        const {id} = await first.add(mcpServerCommands.everything);
        const disabled = await first.setEnabled(id, false);
        expect(disabled.servers[0]).toMatchObject({enabled: false, status: "stopped", tools: []});
        expect(first.callable()).toEqual([]);
        await first.dispose();

        views = [];
        const second = openTools();
        second.start();
        expect(views).toEqual([]);
        await second.setEnabled(id, true);
        await second.dispose();

        views = [];
        const third = openTools();
        third.start();
        await expect.poll(() => views.at(-1)?.servers[0]?.status, {timeout: 20_000}).toBe("ready");
    });

    test("a server that fails to start shows the tail of its stderr, and is logged with it", async () => {
        const log = new MemoryLogSink();
        const server = await openTools({logger: new Logger(log)}).add(mcpServerCommands.trouble("fail"));
        expect(server).toMatchObject({status: "failed", error: {code: "tools.serverStopped", params: {}}, stderr: "trouble server: cannot open its configuration"});
        expect(log.lines.filter((line) => line.includes("WARN"))).toEqual([expect.stringContaining(`A tool server could not start serverId="${server.id}"`)]);
        expect(log.lines.join("\n")).toContain("trouble server: cannot open its configuration");
    });

    test("a server that never answers fails after the start timeout, and its process is stopped", async () => {
        // Long enough for tsx to load the server on a loaded 2-core CI machine, so its stderr line is there.
        const server = await openTools({startTimeoutMs: 10_000}).add(mcpServerCommands.trouble("hang"));
        expect(server).toMatchObject({status: "failed", error: {code: "tools.serverStartTimedOut", params: {seconds: 10}}, stderr: "trouble server: hanging"});
    });

    test("a crash is reported with its stderr and logged, and a restart brings it back", async () => {
        const log = new MemoryLogSink();
        const tools = openTools({logger: new Logger(log)});
        const {id} = await tools.add(mcpServerCommands.trouble());
        await expect(tools.call(toolOf(tools, "crash"), {})).rejects.toThrow();
        await expect.poll(() => tools.view().servers[0]?.status).toBe("failed");
        expect(tools.view().servers[0]).toMatchObject({error: {code: "tools.serverStopped", params: {}}, stderr: "trouble server: crashing on purpose"});
        expect(log.lines[0]).toContain(`A tool server stopped serverId="${id}"`);
        expect(tools.callable()).toEqual([]);

        const restarted = await tools.restart(id);
        expect(restarted.servers[0]?.status).toBe("ready");
    });

    test("a call that outlives the timeout fails with a clear message; aborting cancels it at the server", async () => {
        const tools = openTools();
        tools.configure({callTimeoutSeconds: 1});
        await tools.add(mcpServerCommands.trouble());
        await expect(tools.call(toolOf(tools, "slow_echo"), {text: "late", delayMs: 5000}))
            .rejects.toThrow('The tool "slow_echo" did not answer within 1 s.');

        tools.configure({callTimeoutSeconds: 60});
        const abort = new AbortController();
        const call = tools.call(toolOf(tools, "slow_echo"), {text: "never", delayMs: 30_000}, abort.signal);
        setTimeout(() => abort.abort(), 200);
        await expect(call).rejects.toThrow();
        // The server is still there for the next call.
        expect((await tools.call(toolOf(tools, "slow_echo"), {text: "next", delayMs: 0})).text).toBe("next");
    });

    test("a 10 MB result arrives and is cut to the limit", async () => {
        const tools = openTools();
        tools.configure({maxResultChars: 5000});
        await tools.add(mcpServerCommands.trouble());
        const result = await tools.call(toolOf(tools, "huge_result"), {});
        expect(result.text.length).toBe(5000);
        expect(result.truncatedFromChars).toBe(hugeResultChars);
    });
});

describe("names, switches and settings", {timeout: 60_000}, () => {
    test("tools keep their own names; only names two enabled servers share are qualified", async () => {
        const tools = openTools();
        const a = await tools.add({...mcpServerCommands.everything, name: "alpha"});
        await tools.add({...mcpServerCommands.trouble(), name: "trouble maker"});
        expect(tools.callable().map((tool) => tool.callName)).toContain("echo");

        const b = await tools.add({...mcpServerCommands.everything, name: "beta"});
        const names = tools.callable().map((tool) => tool.callName);
        expect(names).toEqual(expect.arrayContaining(["alpha__echo", "beta__echo", "slow_echo"]));
        expect(names).not.toContain("echo");

        // Turning a tool off on one server makes the other's name plain again.
        tools.updateTool(b.id, "echo", {enabled: false});
        expect(tools.callable().filter((tool) => tool.name === "echo").map((tool) => tool.callName)).toEqual(["echo"]);
        await tools.setEnabled(a.id, false);
        expect(tools.callable().some((tool) => tool.name === "echo")).toBe(false);
        // Names a server gives with spaces qualify as a valid function name.
        expect(tools.view().servers.find((server) => server.name === "trouble maker")?.tools[0]?.callName).toBe("slow_echo");
    });

    test("per-tool switches and Always allow persist; limits persist", async () => {
        const tools = openTools();
        const {id} = await tools.add(mcpServerCommands.everything);
        tools.updateTool(id, "echo", {alwaysAllow: true});
        tools.updateTool(id, "get-env", {enabled: false});
        tools.configure({maxCallsPerReply: 3});
        await tools.dispose();

        const again = openTools();
        await again.restart(id);
        const echo = again.callable().find((tool) => tool.name === "echo");
        expect(echo?.alwaysAllow).toBe(true);
        expect(again.callable().some((tool) => tool.name === "get-env")).toBe(false);
        expect(again.view().servers[0]?.tools.find((tool) => tool.name === "get-env")?.enabled).toBe(false);
        expect(again.limits).toEqual({callTimeoutSeconds: 60, maxResultChars: 20_000, maxCallsPerReply: 3});
    });

    test("environment values and headers are sealed, never stored or shown in plain text", async () => {
        const tools = openTools();
        await tools.add({...mcpServerCommands.trouble("fail"), env: {API_TOKEN: "sk-plain-secret"}});
        await tools.add({url: "http://127.0.0.1:9/mcp", headers: {Authorization: "Bearer sk-header-secret"}});
        const stored = JSON.stringify(db.prepare("SELECT * FROM tool_servers").all());
        expect(stored).not.toContain("sk-plain-secret");
        expect(stored).not.toContain("sk-header-secret");
        expect(JSON.stringify(tools.view())).not.toMatch(/sk-(plain|header)-secret/);
        expect(tools.view().servers[0]?.envNames).toEqual(["API_TOKEN"]);
    });

    test("without --allow-tool-commands, command servers are refused and stored ones don't start", async () => {
        const desktop = openTools();
        const {id} = await desktop.add(mcpServerCommands.trouble("fail"));
        await desktop.dispose();

        const serve = openTools({allowCommands: false});
        await expect(serve.add(mcpServerCommands.everything)).rejects.toThrow(/--allow-tool-commands/);
        await expect(serve.import(JSON.stringify({mcpServers: {x: {command: "node"}}}))).rejects.toThrow(/--allow-tool-commands/);
        await serve.restart(id);
        expect(serve.view()).toMatchObject({allowCommands: false, servers: [{id, status: "stopped", error: {code: "tools.commandsRefused", params: {}}}]});
    });
});

describe("importing mcpServers JSON", {timeout: 60_000}, () => {
    test("Claude Desktop's, LM Studio's and Cursor's format: commands and URLs, names kept", async () => {
        const tools = openTools();
        const {command, args} = mcpServerCommands.everything;
        const imported = await tools.import(JSON.stringify({
            mcpServers: {
                everything: {command, args, env: {DEBUG: "1"}},
                remote: {url: "http://127.0.0.1:9/mcp", headers: {Authorization: "Bearer x"}, type: "http"}
            },
            globalShortcut: "ignored"
        }));
        expect(imported.map((server) => [server.name, server.kind, server.status])).toEqual([
            ["everything", "stdio", "ready"],
            ["remote", "http", "failed"]
        ]);
        expect(imported[0]?.envNames).toEqual(["DEBUG"]);

        // The same file again: names stay unique.
        const again = await tools.import(JSON.stringify({mcpServers: {everything: {command, args}}}));
        expect(again[0]?.name).toBe("everything 2");
    });

    test("broken JSON, a missing mcpServers, or an entry without a command or url import nothing", async () => {
        const tools = openTools();
        await expect(tools.import("{not json")).rejects.toThrow(/^That is not valid JSON/);
        await expect(tools.import("{\"servers\": {}}")).rejects.toThrow("The JSON has no \"mcpServers\" object.");
        await expect(tools.import(JSON.stringify({mcpServers: {good: {command: "node"}, bad: {args: ["x"]}}})))
            .rejects.toThrow("The server \"bad\" needs a \"command\"");
        await expect(tools.import(JSON.stringify({mcpServers: {ftp: {url: "ftp://example.com"}}}))).rejects.toThrow("is not an http(s) address");
        expect(tools.view().servers).toEqual([]);
    });
});
