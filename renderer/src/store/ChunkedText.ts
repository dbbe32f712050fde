/**
 * Long text (10k-token reasoning) split into finished chunks and an open tail. Appending only
 * changes the tail, so React re-renders (and the browser re-lays-out) one small block per delta
 * while the finished chunks stay memoized.
 *
 * Chunk boundaries depend only on the text, never on how it arrived: streaming a text delta by
 * delta and chunking the finished text at once give the same chunks, so a message that
 * finishes keeps its rendered chunks.
 */
export interface ChunkedText {
    readonly chunks: readonly string[];
    readonly tail: string;
}

export const emptyChunkedText: ChunkedText = {chunks: [], tail: ""};

/** A chunk ends at the first line break after this many characters… */
const minChunkLength = 2000;
/**
 * …or is cut before this many when a paragraph runs on without one. Kept near the minimum: the
 * open tail is laid out and painted again on every delta, and run-on reasoning at 8,000 made that
 * four times the work.
 */
const maxChunkLength = 3000;
/** Where a run-on paragraph is cut, if it has one: a chunk is a block, so its end is a line break, and it shouldn't split a word. */
const cutAfter = new Set([" ", "。", "，", "、", "；"]);

export function appendChunked(text: ChunkedText, addition: string): ChunkedText {
    if (addition === "")
        return text;

    let tail = text.tail + addition;
    const finished: string[] = [];
    for (let end = chunkEnd(tail); end != null; end = chunkEnd(tail)) {
        finished.push(tail.slice(0, end));
        tail = tail.slice(end);
    }

    return {
        chunks: finished.length === 0 ? text.chunks : [...text.chunks, ...finished],
        tail
    };
}

export function chunkText(text: string): ChunkedText {
    return appendChunked(emptyChunkedText, text);
}

export function isEmptyChunkedText(text: ChunkedText): boolean {
    return text.tail === "" && text.chunks.length === 0;
}

/** Where the first chunk of `tail` ends, or null while that isn't decided yet. */
function chunkEnd(tail: string): number | null {
    if (tail.length < minChunkLength)
        return null;

    const lineBreak = tail.indexOf("\n", minChunkLength - 1);
    if (lineBreak !== -1 && lineBreak < maxChunkLength)
        return lineBreak + 1;

    if (tail.length < maxChunkLength)
        return null;

    for (let end = maxChunkLength; end > minChunkLength; end--)
        if (cutAfter.has(tail[end - 1]!))
            return end;

    // Never split a surrogate pair (emoji, rare CJK).
    const lastCode = tail.charCodeAt(maxChunkLength - 1);
    return lastCode >= 0xd800 && lastCode <= 0xdbff ? maxChunkLength - 1 : maxChunkLength;
}
