import {mkdtempSync, readFileSync, rmSync, statSync} from "node:fs";
import http from "node:http";
import type {AddressInfo} from "node:net";
import {tmpdir} from "node:os";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import type {SegmentChunk} from "../../../native/index.ts";
import {FileKeySecretStore} from "../../../electron/core/engines/FileKeySecretStore.ts";
import {RemoteEngine} from "../../../electron/core/engines/RemoteEngine.ts";

/**
 * Engines differ in where they put reasoning. A real HTTP server on 127.0.0.1 plays each kind,
 * streaming the deltas such a server sends (split at awkward places, as networks do).
 */
const streams: Record<string, unknown[]> = {
    // vLLM, SGLang and DeepSeek's API with a reasoning parser.
    "reasoning_content": [
        {choices: [{delta: {role: "assistant", content: ""}}]},
        {choices: [{delta: {reasoning_content: "Two plus two"}}]},
        {choices: [{delta: {reasoning_content: " is four."}}]},
        {choices: [{delta: {content: "\n\nIt is "}}]},
        {choices: [{delta: {content: "4."}, finish_reason: "stop"}]},
        {choices: [], usage: {prompt_tokens: 12, completion_tokens: 9, completion_tokens_details: {reasoning_tokens: 6}}}
    ],
    // Ollama and OpenRouter.
    "reasoning": [
        {choices: [{delta: {reasoning: "Two plus two"}}]},
        {choices: [{delta: {reasoning: " is four."}}]},
        {choices: [{delta: {content: "It is 4."}, finish_reason: "stop"}]}
    ],
    // A server without a reasoning parser: the tags are in the content, cut mid-tag.
    "think-tags": [
        {choices: [{delta: {content: "<thi"}}]},
        {choices: [{delta: {content: "nk>Two plus two is four.</th"}}]},
        {choices: [{delta: {content: "ink>\n\nIt is 4."}}]},
        {choices: [{delta: {}, finish_reason: "length"}]}
    ]
};

/** vLLM's shape of a call: the name first, the arguments in pieces, a second call after it. */
const toolCallStream = [
    {choices: [{delta: {role: "assistant", content: null, reasoning_content: "Need the weather."}}]},
    {choices: [{delta: {tool_calls: [{index: 0, id: "chatcmpl-tool-1", type: "function", function: {name: "forecast", arguments: ""}}]}}]},
    {choices: [{delta: {tool_calls: [{index: 0, function: {arguments: "{\"city\": "}}]}}]},
    {choices: [{delta: {tool_calls: [{index: 0, function: {arguments: "\"Paris\"}"}}]}}]},
    {choices: [{delta: {tool_calls: [{index: 1, id: "chatcmpl-tool-2", type: "function", function: {name: "moon_phase", arguments: "{}"}}]}, finish_reason: "tool_calls"}]}
];

let server: http.Server;
let baseUrl: string;
const received: Array<{authorization?: string; body: Record<string, unknown>}> = [];

beforeAll(async () => {
    server = http.createServer((request, response) => {
        if (request.url === "/v1/models") {
            response.writeHead(request.headers.authorization === "Bearer right" ? 200 : 401, {"Content-Type": "application/json"});
            return void response.end(JSON.stringify(request.headers.authorization === "Bearer right"
                ? {object: "list", data: Object.keys(streams).map((id) => ({id, object: "model"}))}
                : {error: {message: "Incorrect API key provided.", type: "invalid_request_error"}}));
        }
        let text = "";
        request.on("data", (chunk: Buffer) => text += chunk.toString());
        request.on("end", () => {
            const body = JSON.parse(text) as {model: string};
            received.push({authorization: request.headers.authorization, body});
            response.writeHead(200, {"Content-Type": "text/event-stream"});
            const events = (streams[body.model] ?? (body.model === "tool-calls" ? toolCallStream : [])).map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join("") + "data: [DONE]\n\n";
            // Delivered in uneven pieces, so lines and events arrive split.
            for (let at = 0; at < events.length; at += 37)
                response.write(events.slice(at, at + 37));
            response.end();
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function reply(model: string) {
    const chunks: SegmentChunk[] = [];
    const result = await new RemoteEngine({baseUrl, apiKey: "right"}).model(model).generate({
        turns: [{role: "user", text: "2 + 2?"}],
        priority: "background",
        maxTokens: 100,
        sampling: {temperature: 0.5, topP: 0.9}
    }, {onChunk: (segment, text) => chunks.push({segment, text})}, new AbortController().signal);
    const text = (segment: SegmentChunk["segment"]) => chunks.filter((chunk) => chunk.segment === segment).map((chunk) => chunk.text).join("");
    return {reasoning: text("reasoning"), answer: text("answer"), result};
}

describe("RemoteEngine", () => {
    test("lists models with the key, adding /v1 to a bare origin; a wrong key gets the engine's message", async () => {
        expect((await new RemoteEngine({baseUrl: baseUrl + "/", apiKey: "right"}).listModels()).map((model) => model.id)).toEqual(Object.keys(streams));
        await expect(new RemoteEngine({baseUrl, apiKey: "wrong"}).listModels()).rejects.toThrow(/401: Incorrect API key provided/);
        await expect(new RemoteEngine({baseUrl: "http://127.0.0.1:9/v1"}).listModels()).rejects.toThrow(/Could not reach/);
    });

    test.each(Object.keys(streams))("reasoning in %s reaches the caller as thought, never in the answer", async (model) => {
        const {reasoning, answer, result} = await reply(model);
        expect(reasoning).toBe("Two plus two is four.");
        expect(answer).toBe("It is 4.");
        expect(result.stopReason).toBe(model === "think-tags" ? "length" : "finished");
    });

    test("token counts come from the engine's usage when it sends them", async () => {
        const {result} = await reply("reasoning_content");
        expect(result).toMatchObject({promptTokens: 12, reasoningTokens: 6, answerTokens: 3});
        const request = received.at(-1)!;
        expect(request.authorization).toBe("Bearer right");
        expect(request.body).toMatchObject({model: "reasoning_content", stream: true, temperature: 0.5, top_p: 0.9, max_tokens: 100, messages: [{role: "user", content: "2 + 2?"}]});
        expect(request.body).not.toHaveProperty("thinking_budget");
    });

    test("tools pass through in OpenAI's form: a streamed call is put together, and calls with results go back as tool messages", async () => {
        const tools = {forecast: {description: "Weather in a city.", parameters: {type: "object", properties: {city: {type: "string"}}}}, moon_phase: {}};
        const chunks: SegmentChunk[] = [];
        const result = await new RemoteEngine({baseUrl, apiKey: "right"}).model("tool-calls").generate({
            turns: [
                {role: "user", text: "Weather and moon?"},
                {role: "assistant", text: "", parts: [
                    {type: "reasoning", text: "Moon first.", ended: true},
                    {type: "text", text: "Checking."},
                    {type: "toolCall", body: "{\"name\": \"moon_phase\"}", name: "moon_phase", arguments: {}, result: "Waxing"},
                    {type: "text", text: "Now the weather."}
                ]}
            ],
            tools,
            priority: "background"
        }, {onChunk: (segment, text) => chunks.push({segment, text})}, new AbortController().signal);
        // One call per round: the first; the model calls the second again after its result.
        expect(result.stopReason).toBe("toolCall");
        expect(JSON.parse(result.toolCalls![0]!.body)).toEqual({name: "forecast", arguments: {city: "Paris"}});
        expect(chunks).toEqual([{segment: "reasoning", text: "Need the weather."}]);
        expect(received.at(-1)!.body).toMatchObject({
            tools: [
                {type: "function", function: {name: "forecast", description: "Weather in a city.", parameters: tools.forecast.parameters}},
                {type: "function", function: {name: "moon_phase", parameters: {type: "object", properties: {}}}}
            ],
            messages: [
                {role: "user", content: "Weather and moon?"},
                {role: "assistant", content: "Checking.", tool_calls: [{id: "call_1", type: "function", function: {name: "moon_phase", arguments: "{}"}}]},
                {role: "tool", tool_call_id: "call_1", content: "Waxing"},
                {role: "assistant", content: "Now the weather."}
            ]
        });
    });
});

describe("FileKeySecretStore", () => {
    test("seals so the secret is not in the stored text, opens it again from a new instance, and keeps its key file private", () => {
        const dir = mkdtempSync(path.join(tmpdir(), "ponder-secrets-"));
        try {
            const keyFile = path.join(dir, "secrets.key");
            const sealed = new FileKeySecretStore(keyFile).seal("sk-secret-123");
            expect(sealed).not.toContain("sk-secret-123");
            expect(Buffer.from(sealed, "base64").includes("sk-secret-123")).toBe(false);
            expect(new FileKeySecretStore(keyFile).open(sealed)).toBe("sk-secret-123");
            expect(readFileSync(keyFile, "utf8")).not.toContain("sk-secret");
            if (process.platform !== "win32")
                expect(statSync(keyFile).mode & 0o077).toBe(0);
            // Sealed under another key, it cannot be opened.
            expect(() => new FileKeySecretStore(path.join(dir, "other.key")).open(sealed)).toThrow();
        } finally {
            rmSync(dir, {recursive: true, force: true});
        }
    });
});
