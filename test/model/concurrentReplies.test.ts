import {LlamaModel} from "node-llama-cpp";
import OpenAI from "openai";
import {describe, expect, test} from "vitest";
import type {EventName, EventPayloads} from "../../electron/contract.ts";
import type {PonderCore} from "../../electron/core/PonderCore.ts";
import {OpenAiApi, type ApiRequestLog} from "../../electron/server/openai/OpenAiApi.ts";
import {PonderServer} from "../../electron/server/PonderServer.ts";
import {chineseToken, englishRunnerUp, scriptFor} from "../fixtures/models/scriptedModel.ts";
import {useCoreWorkspace} from "./support/useCoreWorkspace.ts";

const workspace = useCoreWorkspace("ponder-concurrent-", {"endless.gguf": "endless"});
const modelId = "endless.gguf";
const apiKey = "concurrent-key";

/** The first `count` tokens the endless model reasons, greedily: its script, then its cycle forever. */
function endlessReasoning(count: number, {englishOnly = false} = {}): string {
    const [reasoning] = scriptFor("prefilled-think", {endless: true}).paths;
    const tokens = reasoning!.steps.map(({token}) => token === chineseToken && englishOnly ? englishRunnerUp : token);
    const cycleStart = tokens.findIndex((token) => token === reasoning!.loopTo);
    let text = "";
    for (let index = 0; index < count; index++)
        text += tokens[index < tokens.length ? index : cycleStart + (index - tokens.length) % (tokens.length - cycleStart)];
    return text;
}

/** A core with the endless model loaded, its `/v1` on 127.0.0.1, and every event it sends. */
async function openServed(parallel?: number) {
    const core = await workspace.openCore({
        load: {threads: 1, contextSize: 1024, ...(parallel == null ? {} : {parallel})},
        chats: {generation: {sampling: {temperature: 0}}}
    });
    expect((await core.handlers["models.load"]({modelId})).status).toBe("ready");
    const requestLog: ApiRequestLog[] = [];
    const server = new PonderServer(core, {rendererDir: workspace.dir, api: new OpenAiApi({models: core.models, apiKey: () => apiKey, onRequestLog: (entry) => requestLog.push(entry)})});
    const client = new OpenAI({baseURL: `${new URL(await server.listen()).origin}/v1`, apiKey, maxRetries: 0});
    const events: Array<{[E in EventName]: {event: E; payload: EventPayloads[E]; at: number}}[EventName]> = [];
    core.events.on((event, payload) => events.push({event, payload, at: performance.now()} as never));
    return {core, client, requestLog, events, close: () => server.close()};
}

/** Streams a request and keeps its reasoning, with when its first and last piece came. */
function streamReasoning(client: OpenAI, maxTokens: number | undefined, signal?: AbortSignal) {
    const reply = {reasoning: "", firstAt: 0, lastAt: 0, done: Promise.resolve()};
    reply.done = (async () => {
        const stream = await client.chat.completions.create({
            model: modelId, messages: [{role: "user", content: `Think about ${maxTokens ?? "forever"}`}],
            temperature: 0, stream: true, ...(maxTokens == null ? {} : {max_tokens: maxTokens})
        }, {signal});
        for await (const chunk of stream) {
            const delta = chunk.choices[0]?.delta as {reasoning_content?: string} | undefined;
            if (!delta?.reasoning_content)
                continue;
            reply.lastAt = performance.now();
            reply.firstAt ||= reply.lastAt;
            reply.reasoning += delta.reasoning_content;
        }
    })();
    return reply;
}

async function settings(core: PonderCore, chatId: string, values: {maxTokens?: number; languageLock?: "english"}) {
    await core.handlers["settings.update"]({modelId, chatId, values});
}

/** Runs `work` once two endless API streams are streaming on a core with two API sequences; stops them and the server after. */
async function whileTwoApiStreams(work: (served: Awaited<ReturnType<typeof openServed>>, streaming: Array<ReturnType<typeof streamReasoning>>) => Promise<void>) {
    const served = await openServed(2);
    const controller = new AbortController();
    const streaming = [streamReasoning(served.client, undefined, controller.signal), streamReasoning(served.client, undefined, controller.signal)];
    try {
        await expect.poll(() => streaming.every((reply) => reply.reasoning.length > 0)).toBe(true);
        await work(served, streaming);
    } finally {
        controller.abort();
        await Promise.allSettled(streaming.map((reply) => reply.done));
        await served.close();
    }
}

/** Waits until every stream has reasoned on well past where it is now. */
async function expectThemToGoOn(streaming: Array<ReturnType<typeof streamReasoning>>) {
    const reasoningNow = streaming.map((reply) => reply.reasoning.length);
    await expect.poll(() => streaming.every((reply, index) => reply.reasoning.length > reasoningNow[index]! + 20)).toBe(true);
}

/**
 * Runs `work` and returns what each llama_decode it caused carried, in the order added: each
 * sequence's id and token count, counted at node-llama-cpp's addon.
 */
async function recordDecodes(work: () => Promise<void>, decodes: Array<Array<{sequenceId: number; tokens: number}>> = []) {
    const createContext = LlamaModel.prototype.createContext;
    LlamaModel.prototype.createContext = async function (this: LlamaModel, ...options: Parameters<typeof createContext>) {
        const context = await createContext.apply(this, options);
        const internal = context as unknown as {_ctx: Record<string, (...args: unknown[]) => unknown>};
        let batch: Array<{sequenceId: number; tokens: number}> = [];
        internal._ctx = new Proxy(internal._ctx, {
            get(addon, name: string) {
                const member = addon[name];
                if (typeof member !== "function")
                    return member;
                if (name === "addToBatch")
                    return (sequenceId: number, firstTokenIndex: number, tokens: Uint32Array, ...rest: unknown[]) =>
                        (batch.push({sequenceId, tokens: tokens.length}), member.call(addon, sequenceId, firstTokenIndex, tokens, ...rest));
                if (name === "decodeBatch")
                    return (...args: unknown[]) => (decodes.push(batch), batch = [], member.apply(addon, args));
                return member.bind(addon);
            }
        });
        return context;
    };
    try {
        await work();
    } finally {
        LlamaModel.prototype.createContext = createContext;
    }
    return decodes;
}

const statusOf = async (core: PonderCore, chatId: string) => (await core.handlers["chats.get"]({chatId})).messages.at(-1)!;

describe("several replies at once on one loaded model", () => {
    test("two chats and two API clients generate at once, each getting exactly its own text", async () => {
        const {core, client, events, close} = await openServed();
        try {
            const chatA = await core.handlers["chats.create"](undefined);
            const chatB = await core.handlers["chats.create"](undefined);
            await settings(core, chatA.id, {maxTokens: 40});
            await settings(core, chatB.id, {maxTokens: 55, languageLock: "english"});

            const apiC = streamReasoning(client, 30);
            const apiD = streamReasoning(client, 47);
            await core.handlers["chats.send"]({chatId: chatA.id, text: "First question"});
            await core.handlers["chats.send"]({chatId: chatB.id, text: "Second question"});
            await Promise.all([apiC.done, apiD.done]);
            await expect.poll(async () => (await statusOf(core, chatA.id)).status).toBe("done");
            await expect.poll(async () => (await statusOf(core, chatB.id)).status).toBe("done");

            expect((await statusOf(core, chatA.id)).reasoning).toBe(endlessReasoning(40));
            expect((await statusOf(core, chatB.id)).reasoning).toBe(endlessReasoning(55, {englishOnly: true}));
            expect(apiC.reasoning).toBe(endlessReasoning(30));
            expect(apiD.reasoning).toBe(endlessReasoning(47));
            // Each chat's deltas went to its own conversation only, and add up to its text.
            for (const chat of [chatA, chatB]) {
                const deltas = events.filter((entry) => entry.event === "chats.delta" && entry.payload.chatId === chat.id);
                expect(deltas.map((entry) => entry.event === "chats.delta" ? entry.payload.reasoning : "").join("")).toBe((await statusOf(core, chat.id)).reasoning);
            }
            // At once, not in turn: every reply had its first token before any reply had its last.
            const chatTimes = [chatA, chatB].map((chat) => {
                const times = events.filter((entry) => entry.event === "chats.delta" && entry.payload.chatId === chat.id).map((entry) => entry.at);
                return {firstAt: times[0]!, lastAt: times.at(-1)!};
            });
            const replies = [...chatTimes, apiC, apiD];
            expect(Math.max(...replies.map((reply) => reply.firstAt))).toBeLessThan(Math.min(...replies.map((reply) => reply.lastAt)));
        } finally {
            await close();
        }
    });

    test("four API replies streaming at once share every decode, in one pass over the weights, as llama-server's slots do", async () => {
        const decodes = await recordDecodes(async () => {
            const {client, close} = await openServed(4);
            try {
                const replies = [60, 61, 62, 63].map((maxTokens) => streamReasoning(client, maxTokens));
                await Promise.all(replies.map((reply) => reply.done));
            } finally {
                await close();
            }
        }).then((batches) => batches.map((batch) => batch.map(({sequenceId}) => sequenceId)));
        // Before scripts/patchNodeLlamaCpp.mjs's batching fix every decode held three of the four
        // (the fourth's next token always came one batch late); the first and last few are ragged.
        const full = decodes.filter((ids) => ids.length === 4);
        expect(full.length).toBeGreaterThanOrEqual(50);
        // llama.cpp passes over the weights once per run of consecutive sequence ids in a batch
        // (separate KV streams); in queue order a decode of four took two to four passes.
        for (const ids of full)
            expect(ids).toEqual(ids.map((_, index) => ids[0]! + index));
    });

    test("stopping one chat stops only that one; the other chat and the API stream go on", async () => {
        const {core, client, close} = await openServed();
        const controller = new AbortController();
        const apiC = streamReasoning(client, undefined, controller.signal);
        try {
            const chatA = await core.handlers["chats.send"]({text: "Think A"});
            const chatB = await core.handlers["chats.send"]({text: "Think B"});
            await expect.poll(async () => (await statusOf(core, chatB.chatId)).reasoning.length).toBeGreaterThan(0);
            await expect.poll(() => apiC.reasoning.length).toBeGreaterThan(0);

            await core.handlers["chats.stop"]({chatId: chatA.chatId});
            const stopped = await statusOf(core, chatA.chatId);
            expect(stopped.status).toBe("stopped");
            const chatBAtStop = (await statusOf(core, chatB.chatId)).reasoning.length;
            const apiAtStop = apiC.reasoning.length;
            await expect.poll(async () => (await statusOf(core, chatB.chatId)).reasoning.length).toBeGreaterThan(chatBAtStop + 50);
            await expect.poll(() => apiC.reasoning.length).toBeGreaterThan(apiAtStop + 50);
            expect((await statusOf(core, chatB.chatId)).status).toBe("streaming");
            expect((await statusOf(core, chatA.chatId)).reasoning).toBe(stopped.reasoning);
            expect((await core.handlers["chats.get"]({chatId: chatB.chatId})).summary.reply).toEqual({state: "generating"});
            expect((await core.handlers["chats.get"]({chatId: chatA.chatId})).summary.reply).toBeUndefined();
        } finally {
            controller.abort();
            await Promise.allSettled([apiC.done]);
            await close();
        }
    });

    test("a chat whose sequence holds another conversation starts while API replies stream, not after them", async () => {
        // Two sequences for API clients, one for chats; all first hold a finished conversation.
        const {core, client, events, close} = await openServed(2);
        const controller = new AbortController();
        const streaming: Array<ReturnType<typeof streamReasoning>> = [];
        try {
            const earlier = await core.handlers["chats.create"](undefined);
            await settings(core, earlier.id, {maxTokens: 5});
            await core.handlers["chats.send"]({chatId: earlier.id, text: "An earlier question"});
            await Promise.all([streamReasoning(client, 5).done, streamReasoning(client, 6).done]);
            await expect.poll(async () => (await statusOf(core, earlier.id)).status).toBe("done");

            streaming.push(streamReasoning(client, undefined, controller.signal), streamReasoning(client, undefined, controller.signal));
            let apiEnded = false;
            void Promise.race(streaming.map((reply) => reply.done)).finally(() => apiEnded = true);
            await expect.poll(() => streaming.every((reply) => reply.reasoning.length > 0)).toBe(true);
            // Its sequence must be erased first: that used to wait until the API replies ended
            // (here, their contexts full), since streaming replies kept llama.cpp's batch loop busy.
            const later = await core.handlers["chats.send"]({text: "A later question"});
            await expect.poll(() => events.some(({event, payload}) => event === "chats.delta" && payload.chatId === later.chatId), {timeout: 120_000}).toBe(true);
            expect(apiEnded).toBe(false);
        } finally {
            controller.abort();
            await Promise.allSettled(streaming.map((reply) => reply.done));
            await close();
        }
    });

    test("a chat's prompt is decoded alone while API replies stream: they hold their next token until its first", async () => {
        const decodes: Array<Array<{sequenceId: number; tokens: number}>> = [];
        let chatSentAt = 0;
        await recordDecodes(() => whileTwoApiStreams(async ({core, events}, streaming) => {
            chatSentAt = decodes.length;
            const chat = await core.handlers["chats.send"]({text: "A question while the API streams"});
            await expect.poll(() => events.some(({event, payload}) => event === "chats.delta" && payload.chatId === chat.chatId), {timeout: 60_000}).toBe(true);
            await expectThemToGoOn(streaming);
        }), decodes);
        const prompts = decodes.slice(chatSentAt).filter((batch) => batch.some(({tokens}) => tokens > 1));
        expect(prompts).toHaveLength(1);
        // Together with the streams' tokens, llama.cpp splits the batch into a pass for the tokens of
        // every sequence and another for the rest of the prompt, and the chat waits for both.
        expect(prompts[0]).toHaveLength(1);
    });

    test("chats stopped right after they are sent leave the API streams they paused going on", async () => {
        await whileTwoApiStreams(async ({core}, streaming) => {
            for (let chat = 0; chat < 3; chat++) {
                const {chatId} = await core.handlers["chats.send"]({text: `Never mind ${chat}`});
                await core.handlers["chats.stop"]({chatId});
                await expect.poll(async () => (await statusOf(core, chatId)).status).toBe("stopped");
            }
            await expectThemToGoOn(streaming);
        });
    });

    test("a request whose client leaves while it waits is dropped without evaluating anything", async () => {
        const {core, client, requestLog, close} = await openServed(1);
        const stopRunning = new AbortController();
        const running = streamReasoning(client, undefined, stopRunning.signal);
        try {
            const model = core.models.localModel!;
            const evaluatedBefore = model.load.evaluatedTokens;
            await expect.poll(() => running.reasoning.length).toBeGreaterThan(0);
            const leaving = new AbortController();
            const waiting = streamReasoning(client, 150, leaving.signal);
            await expect.poll(() => model.load.waiting).toBe(1);
            leaving.abort();
            await expect(waiting.done).rejects.toThrow();
            // It leaves the line at once, while the request ahead of it still runs.
            await expect.poll(() => model.load.waiting).toBe(0);
            expect(model.load.active).toBe(1);

            stopRunning.abort();
            await expect.poll(() => model.load).toMatchObject({active: 0, waiting: 0});
            await expect.poll(() => requestLog.length).toBe(2);
            const [left, served] = requestLog;
            expect(left).toMatchObject({outcome: "disconnected", completionTokens: 0});
            expect(left!.promptTokens).toBeGreaterThan(10);
            // llama.cpp evaluated the running request's prompt and tokens, and nothing of the one that left.
            expect(model.load.evaluatedTokens - evaluatedBefore).toBeLessThanOrEqual(served!.promptTokens! + served!.completionTokens!);
        } finally {
            stopRunning.abort();
            await Promise.allSettled([running.done]);
            await close();
        }
    });

    test("a burst beyond the limit waits its turn and drains; a chat sent meanwhile starts at once and says when it waits", async () => {
        const {core, client, events, close} = await openServed(2);
        const stopApi = new AbortController();
        const apiStreams: Array<ReturnType<typeof streamReasoning>> = [];
        try {
            const model = core.models.localModel!;
            const burst = [300, 301, 302, 303, 304, 305].map((maxTokens) => streamReasoning(client, maxTokens));
            await expect.poll(() => model.load.waiting + model.load.active).toBe(6);
            await Promise.all(burst.map((reply) => reply.done));
            burst.forEach((reply, index) => expect(reply.reasoning).toBe(endlessReasoning(300 + index)));
            expect(model.load).toMatchObject({active: 0, waiting: 0});

            // Two endless API streams take every sequence API clients may use; the chat gets the one kept for it.
            apiStreams.push(streamReasoning(client, undefined, stopApi.signal), streamReasoning(client, undefined, stopApi.signal));
            await expect.poll(() => Math.min(...apiStreams.map((reply) => reply.reasoning.length))).toBeGreaterThan(0);
            const chatA = await core.handlers["chats.send"]({text: "Me first"});
            await expect.poll(async () => (await statusOf(core, chatA.chatId)).reasoning.length).toBeGreaterThan(0);
            expect(model.load.active).toBe(3);

            // With every sequence busy, a second chat waits, ahead of nobody and first in line, and says so.
            const chatB = await core.handlers["chats.send"]({text: "And me"});
            await expect.poll(async () => (await core.handlers["chats.get"]({chatId: chatB.chatId})).summary.reply).toEqual({state: "waiting", ahead: 0});
            const listed = events.filter((entry) => entry.event === "chats.listChanged" && entry.payload.kind === "upsert" && entry.payload.chat.id === chatB.chatId);
            expect(listed.some((entry) => entry.event === "chats.listChanged" && entry.payload.kind === "upsert" && entry.payload.chat.reply?.state === "waiting")).toBe(true);
            await core.handlers["chats.stop"]({chatId: chatA.chatId});
            await expect.poll(async () => (await core.handlers["chats.get"]({chatId: chatB.chatId})).summary.reply).toEqual({state: "generating"});
            await expect.poll(async () => (await statusOf(core, chatB.chatId)).reasoning.length).toBeGreaterThan(0);
        } finally {
            stopApi.abort();
            await Promise.allSettled(apiStreams.map((reply) => reply.done));
            await close();
        }
    });
});
