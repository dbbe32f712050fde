import OpenAI from "openai";
import {beforeAll, describe, expect, test} from "vitest";
import type {Message} from "../../electron/contract.ts";
import {Logger, MemoryLogSink} from "../../electron/core/logging/Logger.ts";
import type {PonderCore} from "../../electron/core/PonderCore.ts";
import type {ApiRequestLog} from "../../electron/server/openai/OpenAiApi.ts";
import {expectedTexts} from "../fixtures/models/scriptedModel.ts";
import {useApiServer} from "./support/useApiServer.ts";

const model = "qwq-tiny.gguf";
const requestLog: ApiRequestLog[] = [];
const logLines = new MemoryLogSink();
const api = useApiServer("ponder-api-", {[model]: "prefilled", "endless.gguf": "endless"}, {
    load: model,
    api: {maxBodyBytes: 64 * 1024, onRequestLog: (entry) => requestLog.push(entry), logger: new Logger(logLines)}
});
const {apiKey} = api;
let core: PonderCore;
let origin: string;
let client: OpenAI;
beforeAll(() => void ({core, origin, client} = api));

const greedy = {model, temperature: 0} as const;

/** The stream's deltas and chunks, read with the official client; reasoning arrives in DeepSeek's `reasoning_content`. */
async function readStream(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) {
    let reasoning = "";
    let content = "";
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
        chunks.push(chunk);
        const delta = chunk.choices[0]?.delta as {content?: string | null; reasoning_content?: string} | undefined;
        reasoning += delta?.reasoning_content ?? "";
        content += delta?.content ?? "";
    }
    return {reasoning, content, chunks};
}

function post(body: string, headers: Record<string, string> = {}) {
    return fetch(`${origin}/v1/chat/completions`, {method: "POST", headers: {Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json", ...headers}, body});
}

describe("the OpenAI-compatible API with the official client", () => {
    test("lists the loaded model", async () => {
        const models = await client.models.list();
        // By its short id (the file's name without .gguf); Ponder's own id still finds it.
        expect(models.data.map((entry) => entry.id)).toEqual(["qwq-tiny"]);
        expect((await client.models.retrieve(model)).id).toBe("qwq-tiny");
    });

    test("a completion returns the reasoning apart from the answer, and counts reasoning tokens", async () => {
        const completion = await client.chat.completions.create({...greedy, messages: [{role: "user", content: "Hi there!"}]});
        const message = completion.choices[0]!.message as OpenAI.Chat.Completions.ChatCompletionMessage & {reasoning_content?: string};
        expect(message.content).toBe(expectedTexts.answer);
        expect(message.reasoning_content).toBe(expectedTexts.reasoning);
        expect(message.content).not.toMatch(/think>/);
        expect(completion.choices[0]!.finish_reason).toBe("stop");
        const usage = completion.usage!;
        expect(usage.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(expectedTexts.reasoning.split(" ").length - 1);
        // The answer: "\n\n", ten scripted tokens minus the end of turn, which is not counted.
        expect(usage.completion_tokens - usage.completion_tokens_details!.reasoning_tokens!).toBe(10);
        expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
        expect(usage.prompt_tokens).toBeGreaterThan(5);
    });

    test("streamed, reasoning comes in reasoning_content deltas before the answer, and usage matches the unstreamed count", async () => {
        const messages = [{role: "system", content: "Be brief."}, {role: "user", content: "Streaming, please"}] as const;
        const whole = await client.chat.completions.create({...greedy, messages: [...messages]});
        const stream = await client.chat.completions.create({...greedy, messages: [...messages], stream: true, stream_options: {include_usage: true}});
        const {reasoning, content, chunks} = await readStream(stream);
        expect(reasoning).toBe(expectedTexts.reasoning);
        expect(content).toBe(expectedTexts.answer);
        expect(chunks.length).toBeGreaterThan(10);
        const firstAnswer = chunks.findIndex((chunk) => chunk.choices[0]?.delta.content);
        const lastReasoning = chunks.findLastIndex((chunk) => (chunk.choices[0]?.delta as {reasoning_content?: string} | undefined)?.reasoning_content);
        expect(lastReasoning).toBeLessThan(firstAnswer);
        expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("stop");
        const usage = chunks.at(-1)!.usage!;
        expect(chunks.at(-1)!.choices).toEqual([]);
        expect({...usage, prompt_tokens_details: undefined}).toEqual({...whole.usage, prompt_tokens_details: undefined});
        // The same conversation again: its prompt was evaluated already.
        expect(usage.prompt_tokens_details?.cached_tokens).toBe(usage.prompt_tokens - 1);
    });

    test("an earlier answer's reasoning_content is accepted in the history", async () => {
        const completion = await client.chat.completions.create({
            ...greedy,
            messages: [
                {role: "user", content: "Hi"},
                {role: "assistant", content: expectedTexts.answer, reasoning_content: expectedTexts.reasoning} as OpenAI.Chat.Completions.ChatCompletionAssistantMessageParam,
                {role: "user", content: [{type: "text", text: "And again?"}]}
            ]
        });
        expect(completion.choices[0]!.message.content).toBe(expectedTexts.answer);
    });

    test("max_tokens, max_completion_tokens and stop end the answer early with the right finish_reason", async () => {
        const short = await client.chat.completions.create({...greedy, messages: [{role: "user", content: "Hi"}], max_tokens: 5});
        expect(short.choices[0]!.finish_reason).toBe("length");
        expect(short.usage!.completion_tokens).toBe(5);
        expect(expectedTexts.reasoning.startsWith(((short.choices[0]!.message as {reasoning_content?: string}).reasoning_content)!)).toBe(true);

        const newer = await client.chat.completions.create({...greedy, messages: [{role: "user", content: "Hi"}], max_completion_tokens: 7});
        expect(newer.usage!.completion_tokens).toBe(7);

        const stopped = await client.chat.completions.create({...greedy, messages: [{role: "user", content: "Hi"}], stop: [" help", "nowhere"]});
        expect(stopped.choices[0]!.message.content).toBe(expectedTexts.answer.slice(0, expectedTexts.answer.indexOf(" help")));
        expect(stopped.choices[0]!.finish_reason).toBe("stop");

        const streamed = await readStream(await client.chat.completions.create({...greedy, messages: [{role: "user", content: "Hi"}], stop: "can I", stream: true}));
        expect(streamed.content).toBe(expectedTexts.answer.slice(0, expectedTexts.answer.indexOf("can I")));
    });

    test("reasoning_effort and the reasoning_budget extension (or its first name, thinking_budget) bound the reasoning, and the model still answers", async () => {
        const budgeted = await client.chat.completions.create({...greedy, messages: [{role: "user", content: "Hi"}], reasoning_budget: 4} as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming);
        const byFirstName = await client.chat.completions.create({...greedy, messages: [{role: "user", content: "Hi"}], thinking_budget: 4} as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming);
        expect(byFirstName.choices[0]!.message).toEqual(budgeted.choices[0]!.message);
        const reasoning = (budgeted.choices[0]!.message as {reasoning_content?: string}).reasoning_content!;
        expect(reasoning.length).toBeGreaterThan(0);
        expect(reasoning.length).toBeLessThan(expectedTexts.reasoning.length / 2);
        expect(budgeted.choices[0]!.message.content).toBe(expectedTexts.answer);

        const none = await client.chat.completions.create({...greedy, messages: [{role: "user", content: "Hi"}], reasoning_effort: "minimal"});
        expect(none.choices[0]!.message.content).toBe(expectedTexts.answer);
        expect(none.usage!.completion_tokens_details!.reasoning_tokens).toBeLessThan(budgeted.usage!.completion_tokens_details!.reasoning_tokens!);
    });

    test("a wrong key and an unknown model are errors the client reports with OpenAI's status and message", async () => {
        const wrongKey = new OpenAI({baseURL: `${origin}/v1`, apiKey: "nope", maxRetries: 0});
        await expect(wrongKey.models.list()).rejects.toMatchObject({status: 401, code: "invalid_api_key"});
        await expect(client.chat.completions.create({model: "gpt-4o", messages: [{role: "user", content: "Hi"}]}))
            .rejects.toMatchObject({status: 404, code: "model_not_found", message: expect.stringContaining("`qwq-tiny`")});
    });
});

describe("bad input over raw HTTP", () => {
    test("each gets its 4xx with an OpenAI-shaped body, and the server keeps serving", async () => {
        const cases: Array<{name: string; response: () => Promise<Response>; status: number; code?: string; param?: string}> = [
            {name: "malformed JSON", response: () => post("{\"model\": "), status: 400, code: "invalid_json"},
            {name: "missing messages", response: () => post(JSON.stringify({model})), status: 400, param: "messages"},
            {name: "a bad role", response: () => post(JSON.stringify({model, messages: [{role: "wizard", content: "x"}]})), status: 400, param: "messages.0.role"},
            {name: "an out-of-range temperature", response: () => post(JSON.stringify({model, messages: [{role: "user", content: "x"}], temperature: 7})), status: 400, param: "temperature"},
            {name: "n > 1", response: () => post(JSON.stringify({model, messages: [{role: "user", content: "x"}], n: 3})), status: 400, param: "n"},
            {name: "an unknown model", response: () => post(JSON.stringify({model: "nope", messages: [{role: "user", content: "x"}]})), status: 404, code: "model_not_found"},
            {name: "an oversize body", response: () => post(JSON.stringify({model, messages: [{role: "user", content: "x".repeat(100 * 1024)}]})), status: 413, code: "request_too_large"},
            {name: "no key", response: () => fetch(`${origin}/v1/models`), status: 401, code: "invalid_api_key"},
            {name: "a wrong key", response: () => fetch(`${origin}/v1/models`, {headers: {Authorization: "Bearer page-token"}}), status: 401, code: "invalid_api_key"},
            {name: "a page of another site", response: () => post(JSON.stringify({model, messages: [{role: "user", content: "x"}]}), {Origin: "https://evil.example"}), status: 403},
            {name: "an unknown path", response: () => fetch(`${origin}/v1/nothing-here`, {headers: {Authorization: `Bearer ${apiKey}`}}), status: 404},
            {name: "a wrong method", response: () => fetch(`${origin}/v1/chat/completions`, {headers: {Authorization: `Bearer ${apiKey}`}}), status: 405}
        ];
        for (const {name, response, status, code, param} of cases) {
            const answer = await response();
            const body = await answer.json() as {error: {message: string; type: string; code: string | null; param: string | null}};
            expect({name, status: answer.status}).toEqual({name, status});
            expect(body.error.message.length, name).toBeGreaterThan(10);
            expect(typeof body.error.type, name).toBe("string");
            if (code != null)
                expect(body.error.code, name).toBe(code);
            if (param != null)
                expect(body.error.param, name).toBe(param);
        }
        expect((await client.models.list()).data).toHaveLength(1);
    });

    test("a message longer than the context is a 400 context_length_exceeded, and the failed reply is logged with its cause", async () => {
        const response = await post(JSON.stringify({model, messages: [{role: "user", content: "count these words ".repeat(3000)}]}));
        expect(response.status).toBe(400);
        expect((await response.json() as {error: {code: string}}).error.code).toBe("context_length_exceeded");
        const failed = logLines.lines.findIndex((line) => line.includes(`A /v1 reply failed model="${model}"`));
        expect(failed).toBeGreaterThanOrEqual(0);
        expect(logLines.lines[failed + 1]).toContain("PonderError");
        // The log never holds what the client sent.
        expect(logLines.lines.join("\n")).not.toContain("count these words");
    });

    test("/v1/models names the model by a short stable id and its display name, never a path; requests may use either id", async () => {
        const {data} = await (await fetch(`${origin}/v1/models`, {headers: {Authorization: `Bearer ${apiKey}`}})).json() as {data: Array<{id: string; name: string}>};
        expect(data).toMatchObject([{id: "qwq-tiny", name: "Ponder scripted prefilled-think", owned_by: "ponder"}]);
        expect((await client.models.retrieve("qwq-tiny")).id).toBe("qwq-tiny");
        for (const id of ["qwq-tiny", model]) {
            const reply = await client.chat.completions.create({model: id, temperature: 0, messages: [{role: "user", content: "Hi"}], max_tokens: 4});
            expect(reply.usage!.completion_tokens).toBe(4);
        }
        expect((await core.handlers["models.getState"](undefined)).api).toEqual({id: "qwq-tiny", name: "Ponder scripted prefilled-think"});
    });

    test("CORS is off: no Access-Control headers for a same-machine client", async () => {
        const response = await fetch(`${origin}/v1/models`, {headers: {Authorization: `Bearer ${apiKey}`}});
        expect(response.headers.get("access-control-allow-origin")).toBeNull();
    });
});

describe("sharing the one model", () => {
    test("two API requests and a desktop chat at once take turns, neither crashing nor mixing", async () => {
        const sent = await core.handlers["chats.send"]({text: "From the app"});
        const chatDone = new Promise<Message>((resolve) => core.events.on((name, payload) => {
            if (name === "chats.messageUpdated" && (payload as Message).id === sent.assistantMessage.id && (payload as Message).status !== "streaming")
                resolve(payload as Message);
        }));
        const [streamed, whole, short, chat] = await Promise.all([
            client.chat.completions.create({...greedy, messages: [{role: "user", content: "First"}], stream: true}).then(readStream),
            client.chat.completions.create({...greedy, messages: [{role: "user", content: "Second, longer question"}]}),
            client.chat.completions.create({...greedy, messages: [{role: "user", content: "Third"}], max_tokens: 3}),
            chatDone
        ]);
        expect(streamed).toMatchObject({reasoning: expectedTexts.reasoning, content: expectedTexts.answer});
        expect(whole.choices[0]!.message).toMatchObject({content: expectedTexts.answer, reasoning_content: expectedTexts.reasoning});
        expect(short.usage!.completion_tokens).toBe(3);
        expect(chat).toMatchObject({status: "done", reasoning: expectedTexts.reasoning, text: expectedTexts.answer});
    });

    test("a client that disconnects mid-stream aborts its generation, and the next request is served", async () => {
        expect((await core.handlers["models.load"]({modelId: "endless.gguf"})).status).toBe("ready");
        const controller = new AbortController();
        const response = await fetch(`${origin}/v1/chat/completions`, {
            method: "POST",
            headers: {Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json"},
            body: JSON.stringify({model: "endless.gguf", messages: [{role: "user", content: "Think forever"}], stream: true, temperature: 0}),
            signal: controller.signal
        });
        const reader = response.body!.getReader();
        let received = "";
        while (received.split("reasoning_content").length < 6)
            received += new TextDecoder().decode((await reader.read()).value);
        controller.abort();

        await expect.poll(() => requestLog.find((entry) => entry.model === "endless.gguf"), {timeout: 30_000}).toBeDefined();
        const entry = requestLog.find((candidate) => candidate.model === "endless.gguf")!;
        expect(entry.outcome).toBe("disconnected");
        // The endless thinker would fill its 4,096-token context had the generation gone on.
        expect(entry.completionTokens).toBeLessThan(1000);

        const next = await client.chat.completions.create({model: "endless.gguf", temperature: 0, messages: [{role: "user", content: "Hi"}], max_tokens: 8});
        expect(next.choices[0]!.finish_reason).toBe("length");
    });
});
