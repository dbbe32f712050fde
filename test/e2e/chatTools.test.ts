import type {Locator, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {mcpServerCommands} from "../fixtures/mcp/mcpServers.ts";
import {ensureFixtureModels} from "../fixtures/models/fixtureModels.ts";
import {toolScriptTexts} from "../fixtures/models/toolScripts.ts";
import {openPonder, type PonderSession} from "./support/openPonder.ts";
import {showView} from "./support/ponderUi.ts";

/**
 * A chat whose model calls tools, in Chromium against `serve --allow-tool-commands`: the
 * scripted model calls `forecast` inside its reasoning and answers from the result
 * (toolScripts.ts); the tools come from real stdio MCP servers (server-everything from npm and
 * test/fixtures/mcp/troubleServer.ts, which can be slow, crash or return 10 MB).
 */
let session: PonderSession;
let page: Page;
const texts = toolScriptTexts.callsInReasoning;

beforeAll(async () => {
    const fixtures = await ensureFixtureModels();
    session = await openPonder({models: {"tools.gguf": fixtures.callsInReasoning}, model: "tools.gguf", serveArgs: ["--allow-tool-commands"]});
    page = session.page;
});
afterAll(() => session?.close());

const quoted = (args: string[]) => args.map((arg) => JSON.stringify(arg)).join(" ");
const toolsSection = () => page.getByRole("region", {name: "Tools"});
const serverItem = (name: string) => toolsSection().getByRole("listitem", {name, exact: true});
const composer = () => page.getByRole("textbox", {name: "Message"});
const lastAssistant = () => page.getByRole("article", {name: "Assistant"}).last();
/** The call's entry; it may sit inside a folded reasoning, so hidden ones count too. */
const forecastCall = (message: Locator = lastAssistant()) => message.getByRole("listitem", {name: "Called forecast on trouble", includeHidden: true});
const callStatus = (message?: Locator) => forecastCall(message).getByRole("status", {includeHidden: true}).first().textContent();

async function openTools() {
    await page.getByRole("complementary", {name: "Conversations sidebar"}).getByRole("button", {name: "Settings", exact: true}).click();
    await toolsSection().waitFor();
}

async function addServer(name: string, {command, args}: {command: string; args: string[]}) {
    const section = toolsSection();
    await section.getByRole("radio", {name: "A local command"}).check();
    await section.getByRole("textbox", {name: "Name"}).fill(name);
    await section.getByRole("textbox", {name: "Server command"}).fill(command);
    await section.getByRole("textbox", {name: "Arguments"}).fill(quoted(args));
    await section.getByRole("button", {name: "Add MCP server"}).click();
    await expect.poll(() => serverItem(name).getByRole("status").first().textContent(), {timeout: 30_000}).toMatch(/^Ready · \d+ tools$/);
}

/** The trouble server in one of its modes, instead of the one before. */
async function useTroubleServer(mode?: "slow" | "crash" | "huge") {
    await openTools();
    if (await serverItem("trouble").count() > 0) {
        await toolsSection().getByRole("button", {name: "Remove trouble"}).click();
        await expect.poll(() => serverItem("trouble").count()).toBe(0);
    }
    await addServer("trouble", mcpServerCommands.trouble(mode));
    await showView(page, "Back to chat");
}

async function ask() {
    await page.getByRole("button", {name: "New chat"}).click();
    await expect.poll(() => composer().isEditable()).toBe(true);
    await composer().fill("Weather in Paris?");
    await composer().press("Enter");
}

/** Answers the consent question of the newest reply. */
async function consent(choice: "Allow once" | "Always allow" | "Deny") {
    const question = lastAssistant().getByRole("group", {name: "Allow forecast?"});
    await expect.poll(() => question.isVisible(), {timeout: 30_000}).toBe(true).catch(async (error: unknown) => {
        throw new Error(`No consent question; the page shows: ${await page.locator("main").textContent()}`, {cause: error});
    });
    // What is asked about is on screen: the tool, its server and the arguments.
    expect(await forecastCall().textContent()).toContain("\"city\": \"Paris\"");
    await question.getByRole("button", {name: choice}).click();
}

const replyEnded = () => expect.poll(() => lastAssistant().getAttribute("aria-busy"), {timeout: 30_000}).toBe("false");

/** Where each piece of the message stands in its text, in document order. */
async function positionsIn(message: Locator, pieces: string[]) {
    const text = await message.evaluate((element) => element.textContent ?? "");
    return pieces.map((piece) => text.indexOf(piece));
}

describe("a chat whose model calls MCP tools, in Chromium", () => {
    test("add server-everything and the trouble server, see their tools; the chat's \"Use tools\" switch is on", async () => {
        await openTools();
        await addServer("everything", mcpServerCommands.everything);
        await expect.poll(() => serverItem("everything").getByRole("list", {name: "Tools of everything"}).getByRole("switch", {name: "echo", exact: true}).isVisible()).toBe(true);
        // Its many tools' schemas would fill the tiny model's context: switched off, it offers none.
        await serverItem("everything").getByRole("switch", {name: "Use everything"}).click();
        await expect.poll(() => serverItem("everything").getByRole("status").first().textContent()).toBe("Off");
        await addServer("trouble", mcpServerCommands.trouble());
        expect(await serverItem("trouble").getByRole("list", {name: "Tools of trouble"}).getByText("Tells the weather in a city.").isVisible()).toBe(true);
        await showView(page, "Back to chat");

        await page.getByRole("button", {name: "Chat settings"}).first().click();
        const useTools = page.getByRole("switch", {name: "Use tools"});
        await expect.poll(() => useTools.count(), {timeout: 30_000}).toBe(1);
        expect(await useTools.isChecked()).toBe(true);
        await page.getByRole("button", {name: "Chat settings"}).first().click();
    });

    test("Allow once: think → call → result → think → answer, in that order, collapsible, and still there after a reload", async () => {
        await ask();
        await consent("Allow once");
        await replyEnded();
        const message = lastAssistant();
        await expect.poll(() => message.textContent()).toContain(texts.answer);
        expect(await callStatus()).toBe("done");

        const order = await positionsIn(message, [texts.before, "Called forecast on trouble", "Sunny and 21 degrees in Paris.", texts.after, texts.answer]);
        expect(order).not.toContain(-1);
        expect(order).toEqual([...order].sort((a, b) => a - b));
        // The stats line counts the tool's time apart.
        expect(await message.textContent()).toMatch(/tools \d+(\.\d+)? s/);

        // The call sits inside the reasoning, which folded when the answer came; opened, the call is a disclosure of its own.
        await message.locator("summary.reasoning__summary").click();
        const call = forecastCall(message);
        await expect.poll(() => call.isVisible()).toBe(true);
        const result = call.getByText("Sunny and 21 degrees in Paris.");
        expect(await result.isVisible()).toBe(false);
        await call.locator("summary").click();
        await expect.poll(() => result.isVisible()).toBe(true);
        await call.locator("summary").click();
        await expect.poll(() => result.isVisible()).toBe(false);

        await page.reload();
        const reloaded = lastAssistant();
        await expect.poll(() => reloaded.textContent(), {timeout: 30_000}).toContain(texts.answer);
        const again = await positionsIn(reloaded, [texts.before, "Called forecast on trouble", "Sunny and 21 degrees in Paris.", texts.after, texts.answer]);
        expect(again).not.toContain(-1);
        expect(again).toEqual([...again].sort((a, b) => a - b));
        expect(await callStatus(reloaded)).toBe("done");
    });

    test("Deny: the call is marked denied and runs nothing; the model goes on and the reply ends", async () => {
        await ask();
        await consent("Deny");
        await replyEnded();
        expect(await callStatus()).toBe("denied");
        expect(await lastAssistant().textContent()).not.toContain("Sunny and 21 degrees");
        expect(await lastAssistant().textContent()).not.toContain("Error");
    });

    test("Stop during a slow tool: the call and the reply stop at once", async () => {
        await useTroubleServer("slow");
        await ask();
        await consent("Allow once");
        await expect.poll(() => callStatus()).toBe("running…");
        await page.getByRole("button", {name: "Stop"}).click();
        await replyEnded();
        expect(await callStatus()).toBe("stopped");
        await expect.poll(() => lastAssistant().textContent()).toContain("Stopped");
    });

    test("a tool that hangs past the time limit fails with the limit in its message; the model is told and answers", async () => {
        await openTools();
        const limit = toolsSection().getByLabel("Time limit per call (seconds)");
        await limit.fill("1");
        await limit.press("Enter");
        await showView(page, "Back to chat");
        try {
            await ask();
            await consent("Allow once");
            await replyEnded();
            expect(await callStatus()).toBe("failed");
            expect(await forecastCall().textContent()).toContain("did not answer within 1 s");
            expect(await lastAssistant().textContent()).toContain(texts.answer);
        } finally {
            await openTools();
            await limit.fill("60");
            await limit.press("Enter");
            await showView(page, "Back to chat");
        }
    });

    test("a server that crashes during the call: the call fails with the reason, the chat survives", async () => {
        await useTroubleServer("crash");
        await ask();
        await consent("Allow once");
        await replyEnded();
        expect(await callStatus()).toBe("failed");
        expect((await forecastCall().locator(".model__error").textContent({timeout: 5000}))?.length).toBeGreaterThan(5);
        expect(await lastAssistant().textContent()).toContain(texts.answer);
        // The settings say the server stopped, with what it wrote last.
        await openTools();
        await expect.poll(() => serverItem("trouble").getByRole("status").first().textContent()).toBe("Failed");
        expect(await serverItem("trouble").getByLabel("What trouble wrote last").textContent()).toContain("crashing in forecast");
        await showView(page, "Back to chat");
    });

    test("a 10 MB result is cut to the limit, with a note saying so", async () => {
        await useTroubleServer("huge");
        // The smallest limit, so what is left fits the tiny model's context.
        await openTools();
        const limit = toolsSection().getByLabel("Largest result (characters)");
        await limit.fill("1000");
        await limit.press("Enter");
        await showView(page, "Back to chat");
        await ask();
        await consent("Allow once");
        await replyEnded();
        expect(await callStatus()).toBe("done");
        const note = forecastCall().locator(".tool-call__note");
        expect(await note.textContent()).toMatch(/^Cut to the first 1,?000 of 10,?485,?760 characters\.$/);
        expect(await lastAssistant().textContent()).toContain(texts.answer);
    });
});
