import {readFileSync} from "node:fs";
import path from "node:path";
import {describe, expect, test} from "vitest";
import type {EventName, EventPayloads, Message} from "../../electron/contract.ts";
import type {PonderCore} from "../../electron/core/PonderCore.ts";
import {expectedTexts} from "../fixtures/models/scriptedModel.ts";
import {useCoreWorkspace} from "./support/useCoreWorkspace.ts";

const workspace = useCoreWorkspace("ponder-core-", {"qwq-tiny.gguf": "prefilled", "endless.gguf": "endless", "broken.gguf": "notGguf"});

function openCore(dataDir = path.join(workspace.dir, "data")) {
    return workspace.openCore({dataDir, chats: {generation: {sampling: {temperature: 0}}}});
}

function record<E extends EventName>(core: PonderCore, event: E) {
    const payloads: Array<{at: number; payload: EventPayloads[E]}> = [];
    core.events.on((name, payload) => {
        if ((name as EventName) === event)
            payloads.push({at: performance.now(), payload: payload as EventPayloads[E]});
    });
    return payloads;
}

function finished(core: PonderCore, messageId: string) {
    return new Promise<Message>((resolve) => core.events.on((name, payload) => {
        const message = payload as Message;
        if (name === "chats.messageUpdated" && message.id === messageId && message.status !== "streaming")
            resolve(message);
    }));
}

describe("PonderCore with a real model", () => {
    test("a reply streams as batched deltas, is stored with its reasoning and stats, and survives a restart", async () => {
        const dataDir = path.join(workspace.dir, "restart");
        let core = await openCore(dataDir);
        expect((await core.handlers["models.load"]({modelId: "qwq-tiny.gguf"})).status).toBe("ready");
        const deltas = record(core, "chats.delta");

        const sent = await core.handlers["chats.send"]({text: "Hi there!"});
        expect(sent.assistantMessage.status).toBe("streaming");
        const reply = await finished(core, sent.assistantMessage.id);

        expect(reply).toMatchObject({status: "done", reasoning: expectedTexts.reasoning, text: expectedTexts.answer});
        expect(reply.stats).toMatchObject({stopReason: "finished", answerTokens: 10, modelId: "qwq-tiny.gguf"});
        expect(reply.reasoningEndedAt! - reply.reasoningStartedAt!).toBeGreaterThanOrEqual(0);
        expect(deltas.map(({payload}) => payload.reasoning).join("")).toBe(expectedTexts.reasoning);
        expect(deltas.map(({payload}) => payload.text).join("")).toBe(expectedTexts.answer);
        // Batched: 35 tokens do not make 35 events.
        expect(deltas.length).toBeLessThan(reply.stats!.reasoningTokens + reply.stats!.answerTokens);
        // Each delta says how full the context is, so the meter moves while the model thinks.
        const contextTokens = deltas.map(({payload}) => payload.contextTokens!);
        expect(contextTokens[0]).toBeGreaterThan(reply.stats!.contextTokens! - reply.stats!.reasoningTokens - reply.stats!.answerTokens);
        expect(contextTokens).toEqual([...contextTokens].sort((a, b) => a - b));
        expect(contextTokens.at(-1)).toBe(reply.stats!.contextTokens);

        await workspace.closeCore(core);
        core = await openCore(dataDir);
        const [chat] = (await core.handlers["chats.list"]({})).chats;
        expect(chat!.title).toBe("Hi there!");
        const {messages} = await core.handlers["chats.get"]({chatId: chat!.id});
        expect(messages.map((message) => message.role)).toEqual(["user", "assistant"]);
        expect(messages[1]).toMatchObject({status: "done", reasoning: expectedTexts.reasoning, text: expectedTexts.answer, stats: {stopReason: "finished"}});
    });

    test("deltas of a long stream come at most once per 33 ms, and a chat loaded mid-stream matches them exactly", async () => {
        const core = await openCore();
        await core.handlers["models.load"]({modelId: "endless.gguf"});
        const deltas = record(core, "chats.delta");
        const sent = await core.handlers["chats.send"]({text: "Think"});
        const done = finished(core, sent.assistantMessage.id);

        while (deltas.length < 8)
            await new Promise((resolve) => setTimeout(resolve, 20));
        const {messages} = await core.handlers["chats.get"]({chatId: sent.chatId});
        const deliveredSoFar = deltas.map(({payload}) => payload.reasoning).join("");
        expect(messages.at(-1)!.reasoning).toBe(deliveredSoFar);

        await core.handlers["chats.stop"]({chatId: sent.chatId});
        const reply = await done;
        expect(reply.status).toBe("stopped");
        expect(reply.stats?.stopReason).toBe("stopped");
        expect(reply.reasoning).toBe(deltas.map(({payload}) => payload.reasoning).join(""));
        // The last delta is the flush at the stop, which goes out at once; the ones before keep the pace.
        const gaps = deltas.slice(1, -1).map((delta, index) => delta.at - deltas[index]!.at);
        // Timers may fire a hair early; what matters is that tokens are never sent one event each.
        expect(Math.min(...gaps)).toBeGreaterThanOrEqual(25);
    });

    test("sending with no model loaded is refused with a clear message", async () => {
        const core = await openCore();
        await expect(core.handlers["chats.send"]({text: "Hello?"})).rejects.toThrow(/Load a model/);
    });

    test("a broken file fails to load with its reason, and the app keeps working", async () => {
        const core = await openCore();
        const states = record(core, "models.stateChanged");
        const files = await core.handlers["models.list"](undefined);
        expect(files.find((file) => file.id === "broken.gguf")?.error).toMatchObject({code: "model.notGguf"});
        expect(files.find((file) => file.id === "qwq-tiny.gguf")?.metadata).toMatchObject({architecture: "qwen2"});

        const failed = await core.handlers["models.load"]({modelId: "broken.gguf"});
        expect(failed).toMatchObject({status: "error", backend: "cpu"});
        expect(failed.error).toMatchObject({code: "model.notGguf"});
        expect(states.map(({payload}) => payload.status)).toEqual(["loading", "error"]);
        expect((await core.handlers["models.load"]({modelId: "qwq-tiny.gguf"})).status).toBe("ready");
        await expect(core.handlers["models.load"]({modelId: "../../etc/passwd"})).rejects.toThrow(/no longer in the models folder/);
    });

    test("the log in the data folder says what happened without what was written", async () => {
        const dataDir = path.join(workspace.dir, "logged");
        const core = await openCore(dataDir);
        expect((await core.handlers["models.load"]({modelId: "broken.gguf"})).status).toBe("error");
        expect((await core.handlers["models.load"]({modelId: "qwq-tiny.gguf"})).status).toBe("ready");
        const secret = "my bank PIN is 4921";
        const sent = await core.handlers["chats.send"]({text: secret});
        await finished(core, sent.assistantMessage.id);
        await workspace.closeCore(core);

        const log = readFileSync(path.join(dataDir, "logs", "ponder.log"), "utf8");
        expect(log).toMatch(/INFO  \[core\] Ponder started version="test"/);
        expect(log).toMatch(/ERROR \[models\] Model failed to load modelId="broken.gguf"\n {4}PonderError: This is not a GGUF model file\./);
        expect(log).toMatch(/INFO  \[models\] Model loaded modelId="qwq-tiny.gguf"/);
        expect(log).toContain("Ponder stopped");
        expect(log).not.toContain(secret);
        expect(log).not.toContain(expectedTexts.answer.trim().slice(0, 20));
    });
});
