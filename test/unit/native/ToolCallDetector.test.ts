import {describe, expect, test} from "vitest";
import {ToolCallDetector} from "../../../native/generation/ToolCallDetector.ts";

const tags = {open: "<tool_call>", close: "</tool_call>"};
const thought = (text: string) => ({segment: "thought" as const, text});
const answer = (text: string) => ({segment: "answer" as const, text});

describe("ToolCallDetector", () => {
    test("a call split over many chunks: the text before it is shown, the tags and body never", () => {
        const detector = new ToolCallDetector(tags);
        const shown = [];
        for (const text of ["Let me", " check.<tool", "_ca", "ll>\n{\"name\": \"x\"", ", \"arguments\": {}}\n</tool", "_call>after"]) {
            const {chunks, call} = detector.push([thought(text)]);
            shown.push(...chunks.map((chunk) => chunk.text));
            if (call != null) {
                expect(call).toEqual({segment: "thought", body: "\n{\"name\": \"x\", \"arguments\": {}}\n"});
                break;
            }
        }
        expect(shown.join("")).toBe("Let me check.");
    });

    test("text that only looked like the start of the tag is shown once the next text decides it", () => {
        const detector = new ToolCallDetector(tags);
        expect(detector.push([answer("a <to")]).chunks).toEqual([answer("a ")]);
        expect(detector.push([answer("p> b")]).chunks).toEqual([answer("<top> b")]);
        // A held piece goes out before a chunk of the other segment.
        expect(detector.push([answer("<")]).chunks).toEqual([]);
        expect(detector.push([thought("x")]).chunks).toEqual([answer("<"), thought("x")]);
    });

    test("at the end, held text and an unfinished call come back as text, so nothing is lost", () => {
        const detector = new ToolCallDetector(tags);
        detector.push([answer("ok <tool_call>{\"name\"")]);
        expect(detector.end()).toEqual([answer("<tool_call>{\"name\"")]);
    });
});
