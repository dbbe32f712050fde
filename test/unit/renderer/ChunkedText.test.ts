import {describe, expect, test} from "vitest";
import {appendChunked, chunkText, emptyChunkedText} from "../../../renderer/src/store/ChunkedText.ts";
import type {ChunkedText} from "../../../renderer/src/store/ChunkedText.ts";

/** Reasoning-like text: English and Chinese lines, a run-on paragraph with no line break, emoji. */
function longText(): string {
    const lines: string[] = [];
    for (let i = 0; i < 400; i++)
        lines.push(i % 3 === 0
            ? `Step ${i}: 我们需要考虑这个问题的另一面，然后验证结果。`
            : `Step ${i}: let me check whether the sum still holds when n is odd 🤔.`);
    lines.splice(200, 0, "x".repeat(2999) + "🤔" + "y".repeat(12_000));
    lines.splice(300, 0, "A run-on paragraph with no line break in it at all. ".repeat(150));
    return lines.join("\n");
}

function streamed(text: string, pieceLength: (index: number) => number): ChunkedText {
    let chunked = emptyChunkedText;
    for (let start = 0, index = 0; start < text.length; index++) {
        const end = Math.min(text.length, start + pieceLength(index));
        chunked = appendChunked(chunked, text.slice(start, end));
        start = end;
    }
    return chunked;
}

describe("ChunkedText", () => {
    test("streaming in any pieces gives the chunks of the finished text", () => {
        const text = longText();
        const whole = chunkText(text);

        expect(whole.chunks.join("") + whole.tail).toBe(text);
        expect(streamed(text, () => 1)).toEqual(whole);
        expect(streamed(text, (index) => 1 + (index * 7919) % 97)).toEqual(whole);
        expect(streamed(text, () => 5000)).toEqual(whole);
    });

    test("chunks end at a line break when there is one, and are bounded when there is none", () => {
        const {chunks, tail} = chunkText(longText());

        expect(chunks.length).toBeGreaterThan(5);
        expect(tail.length).toBeLessThan(3000);
        for (const chunk of chunks) {
            // Cut after a line break, after a sentence in a run-on paragraph, or at the bound in a word that long.
            expect(chunk.endsWith("\n") || chunk.endsWith(". ") || chunk.length >= 2999).toBe(true);
            expect(chunk.length).toBeLessThanOrEqual(6000);
            expect(/[\ud800-\udbff]$/.test(chunk)).toBe(false);
        }
    });

    test("a run-on paragraph is cut between sentences, never inside one", () => {
        const english = chunkText("Let me check this once more, and then once again. ".repeat(200));
        const chinese = chunkText("我们需要考虑这个问题的另一面，然后验证结果。".repeat(400));
        // The endless test model's loop: its sentences end in an ellipsis.
        const ellipsis = chunkText(" Let me keep things simple: 因此 one friendly sentence works best—or does it…".repeat(200));

        for (const {chunks} of [english, chinese, ellipsis]) {
            expect(chunks.length).toBeGreaterThan(1);
            for (const chunk of chunks)
                expect(chunk.length).toBeLessThanOrEqual(3000);
        }
        for (const chunk of english.chunks)
            expect(chunk.endsWith("once again. ")).toBe(true);
        for (const chunk of chinese.chunks)
            expect(chunk.endsWith("验证结果。")).toBe(true);
        for (const chunk of ellipsis.chunks)
            expect(chunk.endsWith("or does it… ")).toBe(true);
    });

    test("a sentence longer than a chunk ends its chunk; only a paragraph without any sentence end is cut after a word or a Chinese comma", () => {
        const longSentence = "word ".repeat(900) + "end. " + "next ".repeat(100);
        expect(chunkText(longSentence).chunks[0]).toBe("word ".repeat(900) + "end. ");

        const english = chunkText("let me check this once more and ".repeat(400));
        const chinese = chunkText("我们需要考虑这个问题的另一面，然后验证结果".repeat(400));
        expect(english.chunks.length).toBeGreaterThan(0);
        for (const chunk of english.chunks) {
            expect(chunk.endsWith(" ")).toBe(true);
            expect(chunk.length).toBeGreaterThan(2960);
        }
        expect(chinese.chunks.length).toBeGreaterThan(0);
        for (const chunk of chinese.chunks)
            expect(chunk.endsWith("另一面，")).toBe(true);
    });

    test("streaming a run-on paragraph in pieces gives the chunks of the finished text", () => {
        const text = ("Let me keep this simple—or does it… " + "a".repeat(40) + ". ").repeat(150) + "word ".repeat(2000);
        const whole = chunkText(text);
        expect(streamed(text, () => 1)).toEqual(whole);
        expect(streamed(text, (index) => 1 + (index * 7919) % 97)).toEqual(whole);
    });

    test("a cut never splits a surrogate pair", () => {
        const {chunks, tail} = chunkText("x".repeat(2999) + "🤔" + "y".repeat(6000));

        expect(chunks[0]).toBe("x".repeat(2999));
        expect((chunks[1] ?? tail).startsWith("🤔")).toBe(true);
    });

    test("appending keeps finished chunks and copies nothing when nothing is added", () => {
        const before = chunkText("a".repeat(2500) + "\nrest");
        const after = appendChunked(before, " and more");

        expect(appendChunked(before, "")).toBe(before);
        expect(after.chunks).toBe(before.chunks);
        expect(after.tail).toBe("rest and more");
    });
});
