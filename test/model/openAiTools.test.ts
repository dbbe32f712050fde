import OpenAI from "openai";
import type {RunnableToolFunctionWithParse} from "openai/lib/RunnableFunction";
import {beforeAll, describe, expect, test} from "vitest";
import {RemoteEngine} from "../../electron/core/engines/RemoteEngine.ts";
import type {PonderCore} from "../../electron/core/PonderCore.ts";
import type {AssistantPart, EngineReply} from "../../electron/core/replies/ReplyEngine.ts";
import {toolScriptTexts} from "../fixtures/models/toolScripts.ts";
import {useApiServer} from "./support/useApiServer.ts";

/**
 * Tool calls through `/v1` with the official `openai` client, against a scripted model (QwQ's
 * template) that calls `forecast` inside its reasoning and, once a tool's result is in its
 * context, answers from it. The client runs the tool; Ponder only renders and reads the calls.
 */
const model = "qwq-tools.gguf";
/** Calls both tools one after the other in one turn. */
const parallelModel = "qwq-parallel.gguf";
/** Plain ChatML: no tool-call form in its template. */
const noToolsModel = "chatml-no-tools.gguf";
const api = useApiServer("ponder-api-tools-", {[model]: "callsInReasoning", [parallelModel]: "callsInParallel", [noToolsModel]: "withoutTools"}, {load: model});
const {apiKey} = api;
let core: PonderCore;
let origin: string;
let client: OpenAI;
beforeAll(() => void ({core, origin, client} = api));

const forecastTool = {
    type: "function",
    function: {name: "forecast", description: "Tells the weather in a city.", parameters: {type: "object", properties: {city: {type: "string"}}, required: ["city"]}}
} as const;
const moonTool = {type: "function", function: {name: "moon_phase", description: "Tells the phase of the moon.", parameters: {type: "object", properties: {}}}} as const;
const question = {role: "user", content: "Weather in Paris?"} as const;
const weather = "Sunny and 21 degrees in Paris.";

type ReasoningMessage = OpenAI.Chat.Completions.ChatCompletionMessage & {reasoning_content?: string};

describe("tool calls through /v1 with the official client", () => {
    test("not streamed: the call comes back as tool_calls beside the reasoning; the tool message gets the answer", async () => {
        const first = await client.chat.completions.create({model, temperature: 0, messages: [question], tools: [forecastTool, moonTool]});
        const choice = first.choices[0]!;
        const message = choice.message as ReasoningMessage;
        expect(choice.finish_reason).toBe("tool_calls");
        expect(message.content).toBeNull();
        expect(message.reasoning_content).toBe(toolScriptTexts.callsInReasoning.before);
        expect(message.tool_calls).toHaveLength(1);
        const call = message.tool_calls![0]!;
        expect(call.type).toBe("function");
        expect(call.id).toMatch(/^call_\w+$/);
        if (call.type !== "function")
            throw new Error("Not a function call.");
        expect(call.function.name).toBe("forecast");
        expect(JSON.parse(call.function.arguments)).toEqual({city: "Paris"});

        // The assistant message goes back as the client got it, with the tool's result after it.
        const second = await client.chat.completions.create({
            model, temperature: 0, tools: [forecastTool, moonTool],
            messages: [question, message as OpenAI.Chat.Completions.ChatCompletionAssistantMessageParam, {role: "tool", tool_call_id: call.id, content: weather}]
        });
        const answer = second.choices[0]!.message as ReasoningMessage;
        expect(second.choices[0]!.finish_reason).toBe("stop");
        expect(answer.tool_calls ?? []).toEqual([]);
        expect(answer.reasoning_content).toBe(toolScriptTexts.callsInReasoning.after);
        expect(answer.content).toBe(toolScriptTexts.callsInReasoning.answer);
    });

    test("streamed: deltas carry the call's index, id, name and then its arguments, and end with finish_reason tool_calls", async () => {
        const stream = await client.chat.completions.create({model, temperature: 0, messages: [question], tools: [forecastTool], stream: true});
        let reasoning = "";
        let content = "";
        const callDeltas: OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
        const finishReasons: Array<string | null> = [];
        for await (const chunk of stream) {
            const choice = chunk.choices[0];
            if (choice == null)
                continue;
            const delta = choice.delta as typeof choice.delta & {reasoning_content?: string};
            reasoning += delta.reasoning_content ?? "";
            content += delta.content ?? "";
            callDeltas.push(...delta.tool_calls ?? []);
            finishReasons.push(choice.finish_reason);
        }
        expect(reasoning).toBe(toolScriptTexts.callsInReasoning.before);
        expect(content).toBe("");
        expect(finishReasons.filter((reason) => reason != null)).toEqual(["tool_calls"]);
        expect(callDeltas[0]).toMatchObject({index: 0, id: expect.stringMatching(/^call_/), type: "function", function: {name: "forecast"}});
        expect(callDeltas.every((delta) => delta.index === 0)).toBe(true);
        expect(JSON.parse(callDeltas.map((delta) => delta.function?.arguments ?? "").join(""))).toEqual({city: "Paris"});
    });

    for (const stream of [false, true]) {
        test(`the client's own tool runner (runTools, ${stream ? "streamed" : "not streamed"}) runs the tool and gets the answer`, async () => {
            const ran: unknown[] = [];
            const runnerTools: Array<RunnableToolFunctionWithParse<{city: string}>> = [{
                type: "function",
                function: {
                    name: "forecast",
                    description: forecastTool.function.description,
                    parameters: {type: "object", properties: {city: {type: "string"}}, required: ["city"]},
                    parse: (text) => JSON.parse(text) as {city: string},
                    function: (args) => {
                        ran.push(args);
                        return weather;
                    }
                }
            }];
            const runner = stream
                ? client.chat.completions.runTools({model, temperature: 0, messages: [question], tools: runnerTools, stream: true})
                : client.chat.completions.runTools({model, temperature: 0, messages: [question], tools: runnerTools});
            expect(await runner.finalContent()).toBe(toolScriptTexts.callsInReasoning.answer);
            expect(ran).toEqual([{city: "Paris"}]);
            expect(runner.messages.map((message) => message.role)).toEqual(["user", "assistant", "tool", "assistant"]);
        });
    }

    test("`tool_choice: none` offers no tools: the model's call is plain text and nothing stops it", async () => {
        const completion = await client.chat.completions.create({model, temperature: 0, messages: [question], tools: [forecastTool], tool_choice: "none", max_tokens: 40});
        expect(completion.choices[0]!.finish_reason).not.toBe("tool_calls");
        expect(completion.choices[0]!.message.tool_calls ?? []).toEqual([]);
    });

    test("every tool field is checked: each malformed request is a 400 naming the field", async () => {
        const call = {id: "call_1", type: "function", function: {name: "forecast", arguments: "{\"city\": \"Paris\"}"}};
        const asked = {role: "assistant", content: null, tool_calls: [call]};
        const cases: Array<{name: string; body: Record<string, unknown>; param: string}> = [
            {name: "a tool that isn't a function", body: {tools: [{type: "retrieval"}]}, param: "tools.0.type"},
            {name: "a tool name with spaces", body: {tools: [{type: "function", function: {name: "the forecast"}}]}, param: "tools.0.function.name"},
            {name: "parameters that aren't an object", body: {tools: [{type: "function", function: {name: "forecast", parameters: "city"}}]}, param: "tools.0.function.parameters"},
            {name: "two tools of one name", body: {tools: [forecastTool, forecastTool]}, param: "tools.1.function.name"},
            {name: "an unknown tool_choice", body: {tools: [forecastTool], tool_choice: "sometimes"}, param: "tool_choice"},
            {name: "a forced call", body: {tools: [forecastTool], tool_choice: "required"}, param: "tool_choice"},
            {name: "a named tool that isn't offered", body: {tools: [forecastTool], tool_choice: {type: "function", function: {name: "moon_phase"}}}, param: "tool_choice.function.name"},
            {name: "tool_choice without tools", body: {tool_choice: "required"}, param: "tool_choice"},
            {name: "arguments that aren't a JSON object", body: {messages: [question, {...asked, tool_calls: [{...call, function: {name: "forecast", arguments: "Paris"}}]}, {role: "tool", tool_call_id: "call_1", content: weather}]}, param: "messages.1.tool_calls.0.function.arguments"},
            {name: "a tool message without its id", body: {messages: [question, asked, {role: "tool", content: weather}]}, param: "messages.2.tool_call_id"},
            {name: "a tool message answering no call", body: {messages: [question, asked, {role: "tool", tool_call_id: "call_9", content: weather}]}, param: "messages.2.tool_call_id"},
            {name: "a call left without its result", body: {messages: [question, asked, {role: "user", content: "And?"}]}, param: "messages.2"}
        ];
        for (const {name, body, param} of cases) {
            const answer = await fetch(`${origin}/v1/chat/completions`, {
                method: "POST",
                headers: {Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json"},
                body: JSON.stringify({model, messages: [question], ...body})
            });
            const error = (await answer.json() as {error: {message: string; param: string | null}}).error;
            expect({name, status: answer.status, param: error.param}).toEqual({name, status: 400, param});
            expect(error.message.length, name).toBeGreaterThan(20);
        }
    });

    test("a remote engine passes tools through: Ponder's own /v1 as the remote, a call and then the answer", async () => {
        const remote = new RemoteEngine({baseUrl: `${origin}/v1`, apiKey}).model(model);
        expect(remote.capabilities.callsTools).toBe(true);
        const tools = {forecast: {description: forecastTool.function.description, parameters: forecastTool.function.parameters}};
        const round = async (turns: Parameters<typeof remote.generate>[0]["turns"]) => {
            let reasoning = "";
            let answer = "";
            const reply: EngineReply = await remote.generate({turns, tools, priority: "background", sampling: {temperature: 0}}, {
                onChunk: (segment, text) => segment === "reasoning" ? reasoning += text : answer += text
            }, new AbortController().signal);
            return {reply, reasoning, answer};
        };
        const first = await round([{role: "user", text: question.content}]);
        expect(first.reply.stopReason).toBe("toolCall");
        expect(first.reasoning).toBe(toolScriptTexts.callsInReasoning.before);
        const called = JSON.parse(first.reply.toolCalls![0]!.body) as {name: string; arguments: unknown};
        expect(called).toEqual({name: "forecast", arguments: {city: "Paris"}});

        const parts: AssistantPart[] = [
            {type: "reasoning", text: first.reasoning, ended: false},
            {type: "toolCall", body: first.reply.toolCalls![0]!.body, name: called.name, arguments: called.arguments, result: weather}
        ];
        const second = await round([{role: "user", text: question.content}, {role: "assistant", text: "", parts}]);
        expect(second.reply.stopReason).toBe("finished");
        expect(second.answer.trim()).toBe(toolScriptTexts.callsInReasoning.answer);
    });

    test("a model whose template has no tool-call form: Use tools is unsupported once it is loaded, and /v1 refuses tools as tools_not_supported", async () => {
        const runtime = await core.handlers["models.load"]({modelId: noToolsModel});
        try {
            expect(runtime).toMatchObject({status: "ready", unsupportedSettings: ["useTools"]});
            const refused = await client.chat.completions.create({model: noToolsModel, messages: [question], tools: [forecastTool]}).catch((error: unknown) => error);
            expect(refused).toBeInstanceOf(OpenAI.APIError);
            expect(refused).toMatchObject({status: 400, code: "tools_not_supported", param: "tools"});
            // Without tools the same request is answered.
            const plain = await client.chat.completions.create({model: noToolsModel, temperature: 0, messages: [question], max_tokens: 40});
            expect(plain.choices[0]!.message.content).not.toBe("");
        } finally {
            await core.handlers["models.load"]({modelId: model});
        }
    });

    test("two calls in one turn: both in tool_calls, streamed by index and not; both results back get the answer; parallel_tool_calls false keeps the first", async () => {
        expect((await core.handlers["models.load"]({modelId: parallelModel})).status).toBe("ready");
        try {
            const tools = [forecastTool, moonTool];
            const first = await client.chat.completions.create({model: parallelModel, temperature: 0, messages: [question], tools});
            const message = first.choices[0]!.message as ReasoningMessage;
            expect(first.choices[0]!.finish_reason).toBe("tool_calls");
            expect(message.reasoning_content).toBe(toolScriptTexts.callsInParallel.before);
            const calls = (message.tool_calls ?? []).map((call) => call.type === "function" ? [call.function.name, JSON.parse(call.function.arguments)] : [call.type]);
            expect(calls).toEqual([["forecast", {city: "Paris"}], ["moon_phase", {}]]);
            expect(new Set(message.tool_calls!.map((call) => call.id)).size).toBe(2);

            const results = [weather, "Waxing crescent tonight."].map((content, index) => ({role: "tool" as const, tool_call_id: message.tool_calls![index]!.id, content}));
            const second = await client.chat.completions.create({
                model: parallelModel, temperature: 0, tools,
                messages: [question, message as OpenAI.Chat.Completions.ChatCompletionAssistantMessageParam, ...results]
            });
            expect(second.choices[0]!.finish_reason).toBe("stop");
            expect(second.choices[0]!.message.content).toBe(toolScriptTexts.callsInParallel.answer);

            const stream = await client.chat.completions.create({model: parallelModel, temperature: 0, messages: [question], tools, stream: true});
            const deltas: OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
            for await (const chunk of stream)
                deltas.push(...chunk.choices[0]?.delta.tool_calls ?? []);
            expect(deltas.filter((delta) => delta.id != null).map((delta) => [delta.index, delta.function?.name])).toEqual([[0, "forecast"], [1, "moon_phase"]]);
            const argumentsOf = (index: number) => JSON.parse(deltas.filter((delta) => delta.index === index).map((delta) => delta.function?.arguments ?? "").join("")) as unknown;
            expect([argumentsOf(0), argumentsOf(1)]).toEqual([{city: "Paris"}, {}]);

            const one = await client.chat.completions.create({model: parallelModel, temperature: 0, messages: [question], tools, parallel_tool_calls: false});
            expect(one.choices[0]!.message.tool_calls?.map((call) => call.type === "function" ? call.function.name : call.type)).toEqual(["forecast"]);
        } finally {
            await core.handlers["models.load"]({modelId: model});
        }
    });

});
