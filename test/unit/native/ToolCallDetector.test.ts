import {describe, expect, test} from "vitest";
import {ToolCallDetector} from "../../../native/generation/ToolCallDetector.ts";

const tags = {open: "<tool_call>", close: "</tool_call>"};
const reasoning = (text: string) => ({segment: "reasoning" as const, text});
const answer = (text: string) => ({segment: "answer" as const, text});

describe("ToolCallDetector", () => {
    test("a call split over many chunks: the text before it is shown, the tags and body never", () => {
        const detector = new ToolCallDetector(tags);
        const shown = [];
        for (const text of ["Let me", " check.<tool", "_ca", "ll>\n{\"name\": \"x\"", ", \"arguments\": {}}\n</tool", "_call>"])
            shown.push(...detector.push([reasoning(text)]).map((chunk) => chunk.text));
        expect(detector.calls).toEqual([{segment: "reasoning", body: "\n{\"name\": \"x\", \"arguments\": {}}\n"}]);
        expect(detector.ended).toBe(false);
        expect(shown.join("")).toBe("Let me check.");
    });

    test("calls one after another (Hermes' parallel calls) are all read, in order; other text after them ends the calls unshown", () => {
        const detector = new ToolCallDetector(tags);
        expect(detector.push([answer("On it.<tool_call>{\"name\": \"a\"}</tool_call>\n<tool")])).toEqual([answer("On it.")]);
        expect(detector.ended).toBe(false);
        expect(detector.push([answer("_call>{\"name\": \"b\"}</tool_call>"), answer("\n\n")])).toEqual([]);
        expect(detector.calls.map((call) => call.body)).toEqual(["{\"name\": \"a\"}", "{\"name\": \"b\"}"]);
        expect(detector.ended).toBe(false);
        expect(detector.push([answer("Now I wait.")])).toEqual([]);
        expect(detector.ended).toBe(true);
        expect(detector.calls).toHaveLength(2);
    });

    test("text that only looked like the start of the tag is shown once the next text decides it", () => {
        const detector = new ToolCallDetector(tags);
        expect(detector.push([answer("a <to")])).toEqual([answer("a ")]);
        expect(detector.push([answer("p> b")])).toEqual([answer("<top> b")]);
        // A held piece goes out before a chunk of the other segment.
        expect(detector.push([answer("<")])).toEqual([]);
        expect(detector.push([reasoning("x")])).toEqual([answer("<"), reasoning("x")]);
    });

    test("at the end, held text and an unfinished call come back as text, so nothing is lost", () => {
        const detector = new ToolCallDetector(tags);
        detector.push([answer("ok <tool_call>{\"name\"")]);
        expect(detector.end()).toEqual([answer("<tool_call>{\"name\"")]);
    });

    test("after whole calls, an unfinished one is dropped at the end", () => {
        const detector = new ToolCallDetector(tags);
        detector.push([answer("<tool_call>{}</tool_call><tool_call>{\"na")]);
        expect(detector.end()).toEqual([]);
        expect(detector.calls).toEqual([{segment: "answer", body: "{}"}]);
    });
});
