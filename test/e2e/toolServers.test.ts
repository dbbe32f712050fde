import {mkdirSync, writeFileSync} from "node:fs";
import path from "node:path";
import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {mcpServerCommands, startEverythingOverHttp} from "../fixtures/mcp/mcpServers.ts";
import {openPonder, type PonderSession} from "./support/openPonder.ts";

const quoted = (args: string[]) => args.map((arg) => JSON.stringify(arg)).join(" ");

function toolsSection(page: Page) {
    return page.getByRole("region", {name: "Tools"});
}

async function openTools(page: Page) {
    await page.getByRole("complementary", {name: "Conversations sidebar"}).getByRole("button", {name: "Settings", exact: true}).click();
    await toolsSection(page).waitFor();
}

async function addCommandServer(page: Page, {command, args}: {command: string; args: string[]}, name?: string) {
    const section = toolsSection(page);
    await section.getByRole("radio", {name: "A local command"}).check();
    if (name != null)
        await section.getByRole("textbox", {name: "Name"}).fill(name);
    await section.getByRole("textbox", {name: "Server command"}).fill(command);
    await section.getByRole("textbox", {name: "Arguments"}).fill(quoted(args));
    await section.getByRole("button", {name: "Add MCP server"}).click();
}

const server = (page: Page, name: string) => toolsSection(page).getByRole("listitem", {name, exact: true});

describe("Tools settings, with serve --allow-tool-commands", () => {
    let session: PonderSession;
    let http: Awaited<ReturnType<typeof startEverythingOverHttp>>;

    beforeAll(async () => {
        [session, http] = await Promise.all([openPonder({serveArgs: ["--allow-tool-commands"]}), startEverythingOverHttp()]);
        await openTools(session.page);
    });
    afterAll(async () => {
        await session?.close();
        await http?.stop();
    });

    test("add a command server: it starts, and its tools are listed with descriptions and switches", async () => {
        const {page} = session;
        await addCommandServer(page, mcpServerCommands.everything, "everything");
        const everything = server(page, "everything");
        await expect.poll(() => everything.getByRole("status").textContent()).toMatch(/^Ready · \d+ tools$/);
        const tools = everything.getByRole("list", {name: "Tools of everything"});
        await expect.poll(() => tools.getByText("Echoes back the input string").isVisible()).toBe(true);
        const echo = tools.getByRole("switch", {name: "echo", exact: true});
        expect(await echo.isChecked()).toBe(true);

        // Switches persist: a tool turned off, and "Always allow" on another, survive a reload.
        await echo.click();
        await expect.poll(() => echo.isChecked()).toBe(false);
        await tools.getByRole("checkbox", {name: "Always allow get-sum"}).click();
        await expect.poll(() => tools.getByRole("checkbox", {name: "Always allow get-sum"}).isChecked()).toBe(true);
        await page.reload();
        await openTools(page);
        const reloaded = server(page, "everything").getByRole("list", {name: "Tools of everything"});
        await expect.poll(() => reloaded.getByRole("switch", {name: "echo", exact: true}).isChecked()).toBe(false);
        expect(await reloaded.getByRole("checkbox", {name: "Always allow get-sum"}).isChecked()).toBe(true);
    });

    test("a server switched off stops and lists no tools; on again, it starts", async () => {
        const {page} = session;
        const everything = server(page, "everything");
        await everything.getByRole("switch", {name: "Use everything"}).click();
        await expect.poll(() => everything.getByRole("status").textContent()).toBe("Off");
        expect(await everything.getByRole("list", {name: "Tools of everything"}).count()).toBe(0);
        await everything.getByRole("switch", {name: "Use everything"}).click();
        await expect.poll(() => everything.getByRole("status").textContent()).toMatch(/^Ready/);
    });

    test("a Streamable HTTP server by its URL", async () => {
        const {page} = session;
        const section = toolsSection(page);
        await section.getByRole("radio", {name: "A web address"}).check();
        await section.getByRole("textbox", {name: "Name"}).fill("remote everything");
        await section.getByRole("textbox", {name: "Server URL"}).fill(http.url);
        await section.getByRole("textbox", {name: "Headers"}).fill("Authorization: Bearer e2e");
        await section.getByRole("button", {name: "Add MCP server"}).click();
        const remote = server(page, "remote everything");
        await expect.poll(() => remote.getByRole("status").textContent()).toMatch(/^Ready · \d+ tools$/);
        // "echo" is off on the first server, so this one's keeps its own name; once both are on,
        // each is qualified with its server's name.
        await expect.poll(() => remote.getByRole("switch", {name: "echo", exact: true}).isVisible()).toBe(true);
        await server(page, "everything").getByRole("switch", {name: "echo", exact: true}).click();
        await expect.poll(() => remote.getByRole("switch", {name: "remote_everything__echo"}).isVisible()).toBe(true);
        expect(await server(page, "everything").getByRole("switch", {name: "everything__echo"}).isChecked()).toBe(true);
    });

    test("import Claude Desktop's mcpServers JSON: a filesystem server limited to a temp folder", async () => {
        const {page} = session;
        const folder = path.join(session.dir, "shared-with-tools");
        mkdirSync(folder);
        writeFileSync(path.join(folder, "notes.txt"), "hello");
        const {command, args} = mcpServerCommands.filesystem(folder);
        const section = toolsSection(page);
        await section.getByRole("textbox", {name: "Import mcpServers JSON"}).fill(JSON.stringify({mcpServers: {files: {command, args}}}, null, 2));
        await section.getByRole("button", {name: "Import"}).click();
        const files = server(page, "files");
        await expect.poll(() => files.getByRole("status").textContent()).toMatch(/^Ready/);
        await expect.poll(() => files.getByRole("switch", {name: "read_text_file"}).isVisible()).toBe(true);
        expect(await section.getByRole("textbox", {name: "Import mcpServers JSON"}).inputValue()).toBe("");

        await section.getByRole("textbox", {name: "Import mcpServers JSON"}).fill("{\"servers\": {}}");
        await section.getByRole("button", {name: "Import"}).click();
        await expect.poll(() => section.getByRole("alert").textContent()).toBe("The JSON has no \"mcpServers\" object.");
    });

    test("a server that fails to start says so, with what it wrote to stderr; Remove takes it away", async () => {
        const {page} = session;
        await addCommandServer(page, mcpServerCommands.trouble("fail"), "broken");
        const broken = server(page, "broken");
        await expect.poll(() => broken.getByRole("status").textContent()).toBe("Failed");
        expect(await broken.getByText("The server stopped.").isVisible()).toBe(true);
        expect(await broken.getByLabel("What broken wrote last").textContent()).toContain("cannot open its configuration");
        await broken.getByRole("button", {name: "Remove broken"}).click();
        await expect.poll(() => broken.count()).toBe(0);
    });
});

describe("Tools settings in a plain serve", () => {
    let session: PonderSession;
    beforeAll(async () => {
        session = await openPonder();
        await openTools(session.page);
    });
    afterAll(() => session?.close());

    test("command servers are refused, with the reason; URL servers are offered", async () => {
        const section = toolsSection(session.page);
        expect(await section.getByRole("radio", {name: "A local command"}).isDisabled()).toBe(true);
        expect(await section.getByRole("radio", {name: "A web address"}).isChecked()).toBe(true);
        expect(await section.getByText("local command servers need serve --allow-tool-commands").isVisible()).toBe(true);

        await section.getByRole("textbox", {name: "Import mcpServers JSON"}).fill(JSON.stringify({mcpServers: {x: {command: "node"}}}));
        await section.getByRole("button", {name: "Import"}).click();
        await expect.poll(() => section.getByRole("alert").textContent()).toContain("started with --allow-tool-commands");
        expect(await section.getByRole("list", {name: "MCP servers"}).count()).toBe(0);
    });
});
