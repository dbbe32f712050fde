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

export function chunkedLength(text: ChunkedText | undefined): number {
    return text == null ? 0 : text.chunks.reduce((sum, chunk) => sum + chunk.length, text.tail.length);
}

/** A chunk ends at the first line break after this many characters… */
const minChunkLength = 2000;
/**
 * …or, in a paragraph that runs on without one, after its last sentence before this many. Kept
 * near the minimum: the open tail is laid out and painted again on every delta, and run-on
 * reasoning at 8,000 made that four times the work.
 */
const maxChunkLength = 3000;
/**
 * A chunk is a block, so its end shows as a line break: in a run-on paragraph it goes between two
 * sentences, never inside one (a cut after a word looked like a sentence broken in two). Without
 * a sentence end before the maximum, the first one up to this many ends the chunk; only a
 * paragraph with none at all is cut after a word.
 */
const sentenceSearchLength = 6000;
/** Where a run-on paragraph with no sentence end is cut, if it has one: it shouldn't split a word. */
const cutAfter = new Set([" ", "。", "，", "、", "；"]);
/** Ends a sentence by itself (Chinese full-width punctuation)… */
const fullWidthSentenceEnds = new Set(["。", "！", "？", "…"]);
/** …or when a space follows. */
const sentenceEnds = new Set([".", "!", "?", "…", "。", "！", "？"]);

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

    // Decided once the character after the maximum shows whether a sentence ends there.
    if (tail.length <= maxChunkLength)
        return null;

    for (let end = maxChunkLength - 1; end > minChunkLength; end--) {
        const cut = sentenceCut(tail, end);
        if (cut != null)
            return cut;
    }
    // None yet: the first sentence end or line break past the maximum, once the text shows it.
    for (let end = maxChunkLength; end <= Math.min(tail.length, sentenceSearchLength); end++) {
        if (tail[end - 1] === "\n")
            return end;
        const cut = sentenceCut(tail, end);
        if (cut != null)
            return cut;
    }
    if (tail.length < sentenceSearchLength)
        return null;

    for (let end = maxChunkLength; end > minChunkLength; end--)
        if (cutAfter.has(tail[end - 1]!))
            return end;

    // Never split a surrogate pair (emoji, rare CJK).
    const lastCode = tail.charCodeAt(maxChunkLength - 1);
    return lastCode >= 0xd800 && lastCode <= 0xdbff ? maxChunkLength - 1 : maxChunkLength;
}

/**
 * Where a chunk cut after `tail[end - 1]` ends when that character ends a sentence (with the
 * space after it, so the next chunk doesn't start indented), or null when it doesn't, or when
 * the text doesn't show yet what follows it.
 */
function sentenceCut(tail: string, end: number): number | null {
    const last = tail[end - 1]!;
    if (!sentenceEnds.has(last) || end >= tail.length)
        return null;
    const next = tail[end]!;
    if (next === " ")
        return end + 1;
    if (fullWidthSentenceEnds.has(last) && next !== "\n" && !sentenceEnds.has(next) && next !== "”" && next !== "」")
        return end;
    return null;
}
