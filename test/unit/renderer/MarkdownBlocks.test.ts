import {describe, expect, test} from "vitest";
import {splitMarkdownBlocks} from "../../../renderer/src/components/answer/MarkdownBlocks.ts";

const answer = [
    "# Title\n",
    "\n",
    "Some text\nover two lines.\n",
    "\n",
    "```python\nx = 1\n\n\ny = 2\n```\n",
    "\n",
    "$$\na\n\nb\n$$\n",
    "\n",
    "- item\n",
    "\n",
    "  continued item\n",
    "\n",
    "Last paragraph"
].join("");

describe("splitMarkdownBlocks", () => {
    test("splits at blank lines outside code and display math, keeping indented continuations", () => {
        const blocks = splitMarkdownBlocks(answer);
        expect(blocks.finished).toEqual([
            "# Title\n\n",
            "Some text\nover two lines.\n\n",
            "```python\nx = 1\n\n\ny = 2\n```\n\n",
            "$$\na\n\nb\n$$\n\n",
            "- item\n\n  continued item\n\n"
        ]);
        expect(blocks.open).toBe("Last paragraph");
        expect(blocks.finished.join("") + blocks.open).toBe(answer);
    });

    test("streamed in any pieces, it gives the same blocks, and finished blocks are never rebuilt", () => {
        for (const size of [1, 3, 17, 64]) {
            let blocks = splitMarkdownBlocks("");
            const seen: string[] = [];
            for (let end = size; end < answer.length + size; end += size) {
                const next = splitMarkdownBlocks(answer.slice(0, end), blocks);
                // Blocks once finished stay exactly as they were.
                expect(next.finished.slice(0, blocks.finished.length)).toEqual(blocks.finished);
                blocks = next;
                seen.push(...blocks.finished.slice(seen.length));
            }
            expect(blocks).toEqual(splitMarkdownBlocks(answer));
        }
    });

    test("an unrelated text (another message) is split from scratch", () => {
        const first = splitMarkdownBlocks("a\n\nb");
        expect(splitMarkdownBlocks("c\n\nd\n", first)).toEqual({source: "c\n\nd\n", finished: ["c\n\n"], open: "d\n"});
    });
});
