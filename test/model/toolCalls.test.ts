import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {LlamaRuntime, type AssistantPart, type ConversationTurn, type LoadedModel, type SegmentChunk} from "../../native/index.ts";
import {ensureFixtureModels, type FixtureModels} from "../fixtures/models/fixtureModels.ts";
import {toolCallBodies, toolScriptTexts} from "../fixtures/models/toolScripts.ts";

let runtime: LlamaRuntime;
let fixtures: FixtureModels;
const loaded = new Map<string, LoadedModel>();

beforeAll(async () => {
    fixtures = await ensureFixtureModels();
    runtime = await LlamaRuntime.create({gpu: false});
});
afterAll(async () => {
    for (const model of loaded.values())
        await model.dispose();
    await runtime?.dispose();
});

async function load(path: string) {
    let model = loaded.get(path);
    if (model == null) {
        model = await runtime.loadModel(path, {threads: 1, contextSize: 4096});
        loaded.set(path, model);
    }
    return model;
}

const tools = {
    forecast: {description: "Tells the weather in a city.", parameters: {type: "object", properties: {city: {type: "string"}}, required: ["city"]}},
    moon_phase: {description: "Tells the phase of the moon.", parameters: {type: "object", properties: {}}}
};
const question: ConversationTurn = {role: "user", text: "Weather in Paris?"};

/** One round: what the model shows, and how it ended. */
async function round(model: LoadedModel, turns: ConversationTurn[]) {
    const chunks: SegmentChunk[] = [];
    const result = await model.generate({turns, tools, sampling: {temperature: 0}, onChunk: (chunk) => void chunks.push(chunk)});
    const text = (segment: SegmentChunk["segment"]) => chunks.filter((chunk) => chunk.segment === segment).map((chunk) => chunk.text).join("");
    return {result, reasoning: text("reasoning"), answer: text("answer")};
}

describe("tool calls on real llama.cpp (scripted models with an attention gate)", () => {
    test("QwQ's template has Hermes-style calls; a call inside the reasoning ends the round without showing its tags", async () => {
        const model = await load(fixtures.callsInReasoning);
        expect(model.format.toolCallTags).toEqual({open: "<tool_call>", close: "</tool_call>"});

        const first = await round(model, [question]);
        expect(first.result).toMatchObject({stopReason: "toolCall", toolCalls: [{body: toolCallBodies.forecast, segment: "reasoning"}]});
        expect(first.reasoning).toBe(toolScriptTexts.callsInReasoning.before);
        expect(first.reasoning + first.answer).not.toContain("tool_call");

        // The result goes back in the template's form; the model reasons on where it left off, then answers.
        const parts: AssistantPart[] = [
            {type: "reasoning", text: first.reasoning, ended: false},
            {type: "toolCall", body: toolCallBodies.forecast, name: "forecast", arguments: {city: "Paris"}, result: "Sunny and 21 degrees in Paris."}
        ];
        const second = await round(model, [question, {role: "assistant", text: "", parts}]);
        expect(second.result.stopReason).toBe("finished");
        expect(second.reasoning).toBe(toolScriptTexts.callsInReasoning.after);
        expect(second.answer).toBe(toolScriptTexts.callsInReasoning.answer);
    });

    test("without tools offered, the same model's call is plain text and nothing stops it", async () => {
        const model = await load(fixtures.callsInReasoning);
        const chunks: SegmentChunk[] = [];
        const result = await model.generate({turns: [question], sampling: {temperature: 0}, onChunk: (chunk) => void chunks.push(chunk)});
        expect(result.stopReason).toBe("finished");
        expect(chunks.map((chunk) => chunk.text).join("")).toContain("<tool_call>");
    });

    test("two calls: the gate on the second result's word switches from the second call to the answer", async () => {
        const model = await load(fixtures.callsTwice);
        const first = await round(model, [question]);
        expect(first.result.toolCalls?.map((call) => call.body)).toEqual([toolCallBodies.forecast]);
        const afterFirst: AssistantPart[] = [
            {type: "reasoning", text: first.reasoning, ended: false},
            {type: "toolCall", body: toolCallBodies.forecast, name: "forecast", arguments: {city: "Paris"}, result: "Sunny and 21 degrees in Paris."}
        ];
        const second = await round(model, [question, {role: "assistant", text: "", parts: afterFirst}]);
        expect(second.result.toolCalls?.map((call) => call.body)).toEqual([toolCallBodies.moonPhase]);
        expect(second.reasoning).toBe(toolScriptTexts.callsTwice.second);

        const afterSecond: AssistantPart[] = [
            ...afterFirst,
            {type: "reasoning", text: second.reasoning, ended: false},
            {type: "toolCall", body: toolCallBodies.moonPhase, name: "moon_phase", arguments: {}, result: "Waxing crescent tonight."}
        ];
        const third = await round(model, [question, {role: "assistant", text: "", parts: afterSecond}]);
        expect(third.result.stopReason).toBe("finished");
        expect(third.answer).toBe(toolScriptTexts.callsTwice.answer);
    });

    test("two calls in one turn (Hermes' parallel form): both are read in order, and both results go back before the model goes on", async () => {
        const model = await load(fixtures.callsInParallel);
        const first = await round(model, [question]);
        expect(first.result.stopReason).toBe("toolCall");
        expect(first.result.toolCalls).toEqual([{body: toolCallBodies.forecast, segment: "reasoning"}, {body: toolCallBodies.moonPhase, segment: "reasoning"}]);
        expect(first.reasoning).toBe(toolScriptTexts.callsInParallel.before);
        expect(first.reasoning + first.answer).not.toContain("tool_call");

        const parts: AssistantPart[] = [
            {type: "reasoning", text: first.reasoning, ended: false},
            {type: "toolCall", body: toolCallBodies.forecast, name: "forecast", arguments: {city: "Paris"}, result: "Sunny and 21 degrees in Paris."},
            {type: "toolCall", body: toolCallBodies.moonPhase, name: "moon_phase", arguments: {}, result: "Waxing crescent tonight."}
        ];
        const second = await round(model, [question, {role: "assistant", text: "", parts}]);
        expect(second.result.stopReason).toBe("finished");
        expect(second.reasoning).toBe(toolScriptTexts.callsInParallel.after);
        expect(second.answer).toBe(toolScriptTexts.callsInParallel.answer);
    });

    test("a call after the reasoning: the answer before it is shown, and the model thinks anew after the result", async () => {
        const model = await load(fixtures.callsBrokenAfterReasoning);
        const first = await round(model, [question]);
        expect(first.result).toMatchObject({stopReason: "toolCall", toolCalls: [{body: toolCallBodies.broken, segment: "answer"}]});
        expect(first.reasoning).toBe(toolScriptTexts.callsBrokenAfterReasoning.reasoning);
        expect(first.answer).toBe(toolScriptTexts.callsBrokenAfterReasoning.answer);

        const parts: AssistantPart[] = [
            {type: "reasoning", text: first.reasoning, ended: true},
            {type: "text", text: first.answer},
            {type: "toolCall", body: toolCallBodies.broken, name: "forecast", result: "Error: the call is not valid JSON."}
        ];
        const second = await round(model, [question, {role: "assistant", text: "", parts}]);
        expect(second.result.stopReason).toBe("finished");
        expect(second.reasoning).toBe(toolScriptTexts.callsBrokenAfterReasoning.after);
    });
});
