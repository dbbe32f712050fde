import {describe, expect, test} from "vitest";
import {ReasoningSegmenter, type SegmentChunk} from "../../../native/generation/ReasoningSegmenter.ts";

function run(pieces: string[], startInReasoning: boolean) {
    const segmenter = new ReasoningSegmenter({openTag: "<think>", closeTag: "</think>", startInReasoning});
    const chunks: SegmentChunk[] = [];
    for (const piece of pieces)
        chunks.push(...segmenter.push(piece));
    chunks.push(...segmenter.end());
    const join = (segment: SegmentChunk["segment"]) => chunks.filter((chunk) => chunk.segment === segment).map((chunk) => chunk.text).join("");
    return {reasoning: join("reasoning"), answer: join("answer"), chunks};
}

describe("ReasoningSegmenter", () => {
    test("a model that writes its own <think> tag", () => {
        const {reasoning, answer} = run(["<think>", "\n", "Okay", ", the user", "\n\n", "</think>", "\n\n", "The answer", " is 4."], false);
        expect(reasoning).toBe("Okay, the user");
        expect(answer).toBe("The answer is 4.");
    });

    test("a template that prefills <think> (QwQ): the reasoning starts at once and no tag reaches the answer", () => {
        const {reasoning, answer} = run(["Let me", " think", ".\n", "</think>", "\n\nFour."], true);
        expect(reasoning).toBe("Let me think.");
        expect(answer).toBe("Four.");
    });

    test("tags split across chunks are still recognised", () => {
        const {reasoning, answer} = run(["<th", "ink>Hm", "m</", "thi", "nk>", "Yes"], false);
        expect(reasoning).toBe("Hmm");
        expect(answer).toBe("Yes");
    });

    test("text that only looks like the start of a tag is kept", () => {
        const {reasoning, answer} = run(["a <", "b and </t", "x"], true);
        expect(reasoning).toBe("a <b and </tx");
        expect(answer).toBe("");
    });

    test("paragraph breaks inside reasoning survive, only the edges are trimmed", () => {
        const {reasoning} = run(["\nFirst.", "\n\n", "Second.", "\n"], true);
        expect(reasoning).toBe("First.\n\nSecond.");
    });

    test("a stray closing tag in the answer is never shown", () => {
        const {reasoning, answer} = run(["reasoning leaked", "</think>", "\n\nAnswer"], false);
        expect(reasoning).toBe("");
        expect(answer).toBe("reasoning leakedAnswer");
    });

    test("a model without reasoning tags streams everything as the answer", () => {
        const segmenter = new ReasoningSegmenter({openTag: null, closeTag: null, startInReasoning: true});
        expect([...segmenter.push("\nHello <think>"), ...segmenter.end()]).toEqual([{segment: "answer", text: "Hello <think>"}]);
    });

    test("CJK text passes through untouched", () => {
        const {reasoning, answer} = run(["首先，", "我们", "</think>", "答案是四。"], true);
        expect(reasoning).toBe("首先，我们");
        expect(answer).toBe("答案是四。");
    });
});
