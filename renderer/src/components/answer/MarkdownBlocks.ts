/**
 * Markdown split into top-level blocks: the finished ones, which never change again, and the open
 * last one, still being written. Rendering keeps each finished block's HTML, so a delta costs the
 * parse of the open block only, however long the answer.
 *
 * A block ends at a blank line followed by an unindented line, outside fenced code and display
 * math (`$$`, `\[`). Indented lines after a blank one continue the block (a list item's next
 * paragraph), so a block is only finished once the line after its blank line has begun.
 */
export interface MarkdownBlocks {
    /** The text the blocks were made from. */
    readonly source: string;
    readonly finished: readonly string[];
    readonly open: string;
}

export const emptyMarkdownBlocks: MarkdownBlocks = {source: "", finished: [], open: ""};

/** The blocks of `source`; when it extends `previous.source` only the open block is scanned again. */
export function splitMarkdownBlocks(source: string, previous: MarkdownBlocks = emptyMarkdownBlocks): MarkdownBlocks {
    if (source === previous.source)
        return previous;
    const extendsPrevious = source.startsWith(previous.source);
    const finished = extendsPrevious ? [...previous.finished] : [];
    let start = extendsPrevious ? previous.source.length - previous.open.length : 0;

    let fence: string | null = null;
    let math: string | null = null;
    let afterBlank = false;
    let lineStart = start;
    while (lineStart < source.length) {
        const newline = source.indexOf("\n", lineStart);
        // The last line may be incomplete: its fences and closings are only known with its line break.
        if (newline === -1)
            break;
        const line = source.slice(lineStart, newline);
        const trimmed = line.trimStart();
        if (fence != null) {
            if (trimmed.startsWith(fence) && trimmed.slice(fence.length).trim().replaceAll(fence[0]!, "") === "")
                fence = null;
        } else if (math != null) {
            if (trimmed.includes(math))
                math = null;
        } else if (trimmed === "") {
            afterBlank = lineStart > start;
        } else {
            if (afterBlank && !/^[ \t]/.test(line)) {
                finished.push(source.slice(start, lineStart));
                start = lineStart;
            }
            afterBlank = false;
            const fenceMatch = /^(`{3,}|~{3,})/.exec(trimmed);
            if (fenceMatch != null)
                fence = fenceMatch[1]!;
            else if (trimmed.startsWith("$$") && !trimmed.slice(2).includes("$$"))
                math = "$$";
            else if (trimmed.startsWith("\\[") && !trimmed.includes("\\]"))
                math = "\\]";
        }
        lineStart = newline + 1;
    }
    // The first character of a line still arriving already says whether it starts a new block.
    if (afterBlank && fence == null && math == null && lineStart < source.length && !/^\s/.test(source[lineStart]!)) {
        finished.push(source.slice(start, lineStart));
        start = lineStart;
    }
    return {source, finished, open: source.slice(start)};
}
