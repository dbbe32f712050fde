import path from "node:path";
import {describe, expect, test} from "vitest";
import type {ChatArchive, Message, MessageToolCall} from "../../electron/contract.ts";
import type {PonderCore} from "../../electron/core/PonderCore.ts";
import {callSeparator} from "../../electron/core/tools/ToolLoop.ts";
import {mcpServerCommands} from "../fixtures/mcp/mcpServers.ts";
import {toolScriptTexts} from "../fixtures/models/toolScripts.ts";
import {useCoreWorkspace} from "./support/useCoreWorkspace.ts";

const workspace = useCoreWorkspace("ponder-chat-tools-", {
    "in-reasoning.gguf": "callsInReasoning",
    "twice.gguf": "callsTwice",
    "parallel.gguf": "callsInParallel",
    "broken.gguf": "callsBrokenAfterReasoning"
});

/** A core with the trouble server's tools and one of the tool-calling models loaded. */
async function openCore(name: string, modelId: string) {
    const core = await workspace.openCore({
        dataDir: path.join(workspace.dir, name),
        load: {threads: 1, contextSize: 4096},
        chats: {generation: {sampling: {temperature: 0}}},
        tools: {allowCommands: true}
    });
    const server = await core.handlers["tools.addServer"]({...mcpServerCommands.trouble(), name: "trouble"});
    expect(server.status).toBe("ready");
    await core.handlers["models.load"]({modelId});
    return {core, server};
}

/** Sends a message; answers each call that asks with `decide`; resolves with the ended reply and every call event. */
async function ask(core: PonderCore, decide: (call: MessageToolCall) => "allowOnce" | "alwaysAllow" | "deny" | "stop" = () => "allowOnce") {
    const events: MessageToolCall[] = [];
    let chatId = "";
    let messageId = "";
    const ended = new Promise<Message>((resolve) => core.events.on((name, payload) => {
        if (name === "chats.toolCall") {
            const {call} = payload as {call: MessageToolCall};
            events.push(call);
            if (call.status === "awaitingConsent") {
                const decision = decide(call);
                void (decision === "stop"
                    ? core.handlers["chats.stop"]({chatId})
                    : core.handlers["chats.answerToolCall"]({chatId, callId: call.id, decision}));
            }
        }
        const message = payload as Message;
        if (name === "chats.messageUpdated" && message.id === messageId && message.status !== "streaming")
            resolve(message);
    }));
    const sent = await core.handlers["chats.send"]({text: "Weather in Paris?"});
    chatId = sent.chatId;
    messageId = sent.assistantMessage.id;
    return {reply: await ended, events, chatId};
}

describe("a chat whose model calls MCP tools (scripted models, the trouble server over stdio)", () => {
    test("a call inside the reasoning asks first; allowed, it runs, and the model reasons on with the result and answers", async () => {
        const {core} = await openCore("allow", "in-reasoning.gguf");
        const {reply, events, chatId} = await ask(core);
        const texts = toolScriptTexts.callsInReasoning;
        expect(events.map((call) => call.status)).toEqual(["awaitingConsent", "running", "done"]);
        expect(reply).toMatchObject({status: "done", text: texts.answer, reasoning: texts.before + callSeparator + texts.after});
        expect(reply.toolCalls).toEqual([expect.objectContaining({
            name: "forecast", serverName: "trouble", status: "done", result: "Sunny and 21 degrees in Paris.",
            arguments: JSON.stringify({city: "Paris"}, null, 2), reasoningOffset: texts.before.length, textOffset: 0, segment: "reasoning"
        })]);
        expect(reply.stats?.toolMs).toBeGreaterThan(0);
        expect(reply.stats?.stopReason).toBe("finished");

        // Stored with the message: the timeline is there after a reload.
        const stored = (await core.handlers["chats.get"]({chatId})).messages.at(-1)!;
        expect(stored.toolCalls).toEqual(reply.toolCalls);
    });

    test("denied: the model is told, and answers without the result", async () => {
        const {core} = await openCore("deny", "in-reasoning.gguf");
        const {reply, events} = await ask(core, () => "deny");
        expect(events.map((call) => call.status)).toEqual(["awaitingConsent", "denied"]);
        expect(reply).toMatchObject({status: "done", text: toolScriptTexts.callsInReasoning.answer});
        expect(reply.toolCalls[0]).toMatchObject({status: "denied", result: null});
    });

    test("Always allow: the tool runs without asking from then on", async () => {
        const {core} = await openCore("always", "in-reasoning.gguf");
        await ask(core, () => "alwaysAllow");
        const tools = await core.handlers["tools.list"](undefined);
        expect(tools.servers[0]!.tools.find((tool) => tool.name === "forecast")?.alwaysAllow).toBe(true);
        const second = await ask(core, () => {
            throw new Error("asked again");
        });
        expect(second.events.map((call) => call.status)).toEqual(["running", "done"]);
    });

    test("Stop while a call waits for consent: the reply stops, the call is marked stopped", async () => {
        const {core} = await openCore("stop", "in-reasoning.gguf");
        const {reply} = await ask(core, () => "stop");
        expect(reply.status).toBe("stopped");
        expect(reply.toolCalls[0]).toMatchObject({status: "stopped"});
        expect(reply.reasoning).toBe(toolScriptTexts.callsInReasoning.before);
    });

    test("two calls in one reply, both in the timeline in order, then the answer", async () => {
        const {core} = await openCore("twice", "twice.gguf");
        const {reply} = await ask(core);
        const texts = toolScriptTexts.callsTwice;
        expect(reply.text).toBe(texts.answer);
        expect(reply.toolCalls.map((call) => [call.name, call.status, call.result, call.reasoningOffset])).toEqual([
            ["forecast", "done", "Sunny and 21 degrees in Paris.", texts.first.length],
            ["moon_phase", "done", "Waxing crescent tonight.", (texts.first + callSeparator + texts.second).length]
        ]);
    });

    test("two calls in one turn: each is asked about in order (one allowed, one denied), both results go back, then the answer", async () => {
        const {core} = await openCore("parallel", "parallel.gguf");
        const {reply, events} = await ask(core, (call) => call.name === "forecast" ? "allowOnce" : "deny");
        const texts = toolScriptTexts.callsInParallel;
        expect(events.map((call) => [call.name, call.status])).toEqual([
            ["forecast", "awaitingConsent"], ["forecast", "running"], ["forecast", "done"],
            ["moon_phase", "awaitingConsent"], ["moon_phase", "denied"]
        ]);
        expect(reply).toMatchObject({status: "done", text: texts.answer, reasoning: texts.before + callSeparator + texts.after});
        // Both sit where the reasoning stood when the model wrote them.
        expect(reply.toolCalls.map((call) => [call.name, call.status, call.result, call.reasoningOffset])).toEqual([
            ["forecast", "done", "Sunny and 21 degrees in Paris.", texts.before.length],
            ["moon_phase", "denied", null, texts.before.length]
        ]);
    });

    test("the call cap inside one turn: the calls past it are refused and the model told, and it answers", async () => {
        const {core} = await openCore("parallel-cap", "parallel.gguf");
        await core.handlers["tools.configure"]({maxCallsPerReply: 1});
        const {reply} = await ask(core);
        expect(reply.toolCalls.map((call) => [call.name, call.status, call.error])).toEqual([
            ["forecast", "done", null],
            ["moon_phase", "failed", {code: "tools.callLimit", params: {limit: 1}}]
        ]);
        expect(reply).toMatchObject({status: "done", text: toolScriptTexts.callsInParallel.answer});
    });

    test("the call cap: a call past it is refused and the model told; a model that keeps calling ends the reply with the reason", async () => {
        const {core} = await openCore("cap", "twice.gguf");
        await core.handlers["tools.configure"]({maxCallsPerReply: 1});
        const {reply} = await ask(core);
        expect(reply.toolCalls.map((call) => [call.name, call.status, call.error])).toEqual([
            ["forecast", "done", null],
            ["moon_phase", "failed", {code: "tools.callLimit", params: {limit: 1}}]
        ]);
        expect(reply).toMatchObject({status: "error", error: {code: "tools.callsPastLimit", params: {limit: 1}}});
        // What it wrote is kept.
        expect(reply.reasoning).toContain(toolScriptTexts.callsTwice.second);
    });

    test("a malformed call (not JSON) after the reasoning: the model is told and the chat goes on", async () => {
        const {core} = await openCore("broken", "broken.gguf");
        const {reply} = await ask(core);
        const texts = toolScriptTexts.callsBrokenAfterReasoning;
        expect(reply.toolCalls).toEqual([expect.objectContaining({status: "failed", error: {code: "tools.callNotJson", params: {}}, textOffset: texts.answer.length})]);
        expect(reply).toMatchObject({status: "done", text: texts.answer, reasoning: texts.reasoning + callSeparator + texts.after});
    });

    test("a call to a tool that is switched off is refused as unknown; export and import keep the timeline", async () => {
        const {core, server} = await openCore("unknown", "in-reasoning.gguf");
        await core.handlers["tools.updateTool"]({serverId: server.id, tool: "forecast", enabled: false});
        const {reply, chatId} = await ask(core);
        expect(reply.toolCalls[0]).toMatchObject({name: "forecast", serverName: null, status: "failed", error: {code: "tools.callUnknown", params: {name: "forecast"}}});
        expect(reply.text).toBe(toolScriptTexts.callsInReasoning.answer);

        const started = await core.handlers["chats.export"]({format: "json", chatId});
        const piece = await core.handlers["chats.readExport"]({exportId: started.exportId});
        const archive = JSON.parse(piece.content) as ChatArchive;
        const {imported: [imported]} = await core.handlers["chats.import"]({archive, duplicates: "copy"});
        const importedReply = (await core.handlers["chats.get"]({chatId: imported!.id})).messages.at(-1)!;
        expect(importedReply.toolCalls).toEqual(reply.toolCalls);
    });

    test("with \"Use tools\" off, no tool is offered: the model's call stays text", async () => {
        const {core} = await openCore("off", "in-reasoning.gguf");
        await core.handlers["settings.update"]({modelId: "in-reasoning.gguf", values: {useTools: false}});
        const {reply, events} = await ask(core);
        expect(events).toEqual([]);
        expect(reply.toolCalls).toEqual([]);
        expect(reply.reasoning).toContain("<tool_call>");
    });
});
