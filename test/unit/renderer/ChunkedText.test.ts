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
    lines.splice(200, 0, "x".repeat(7999) + "🤔" + "y".repeat(12_000));
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
        expect(tail.length).toBeLessThan(8000);
        for (const chunk of chunks) {
            // Either cut after a line break, or cut at the bound inside a run-on paragraph.
            expect(chunk.endsWith("\n") || chunk.length >= 7999).toBe(true);
            expect(chunk.length).toBeLessThanOrEqual(8000);
            expect(/[\ud800-\udbff]$/.test(chunk)).toBe(false);
        }
    });

    test("a cut never splits a surrogate pair", () => {
        const {chunks, tail} = chunkText("x".repeat(7999) + "🤔" + "y".repeat(100));

        expect(chunks).toEqual(["x".repeat(7999)]);
        expect(tail.startsWith("🤔")).toBe(true);
    });

    test("appending keeps finished chunks and copies nothing when nothing is added", () => {
        const before = chunkText("a".repeat(2500) + "\nrest");
        const after = appendChunked(before, " and more");

        expect(appendChunked(before, "")).toBe(before);
        expect(after.chunks).toBe(before.chunks);
        expect(after.tail).toBe("rest and more");
    });
});
