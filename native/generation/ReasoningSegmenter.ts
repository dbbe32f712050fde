export type SegmentKind = "reasoning" | "answer";

export interface SegmentChunk {
    segment: SegmentKind;
    text: string;
}

/**
 * Splits a model's streamed text into reasoning and answer at its reasoning tags, so that tags
 * never reach the user. Text that could be the start of a tag, and whitespace that might sit
 * right before a closing tag, is held back until the next text decides it. The answer's
 * leading blank lines and the reasoning's surrounding whitespace are dropped.
 */
export class ReasoningSegmenter {
    readonly #openTag: string | null;
    readonly #closeTag: string | null;
    #segment: SegmentKind;
    #held = "";
    /** True until the current segment has produced a non-whitespace character. */
    #atSegmentStart = true;

    /** `resumes`: the stream continues a segment cut short, so its leading whitespace is text, not padding. */
    constructor({openTag, closeTag, startInReasoning, resumes = false}: {openTag: string | null; closeTag: string | null; startInReasoning: boolean; resumes?: boolean}) {
        this.#openTag = openTag;
        this.#closeTag = closeTag;
        this.#segment = startInReasoning && openTag != null ? "reasoning" : "answer";
        this.#atSegmentStart = !resumes;
    }

    isInReasoning(): boolean {
        return this.#segment === "reasoning";
    }

    push(text: string): SegmentChunk[] {
        const chunks: SegmentChunk[] = [];
        let input = this.#held + text;
        this.#held = "";
        while (input !== "") {
            const tag = this.#segment === "reasoning" ? this.#closeTag : this.#openTag;
            const tagIndex = tag == null ? -1 : input.indexOf(tag);
            if (tag != null && tagIndex >= 0) {
                this.#emit(chunks, input.slice(0, tagIndex), true);
                input = input.slice(tagIndex + tag.length);
                this.#segment = this.#segment === "reasoning" ? "answer" : "reasoning";
                this.#atSegmentStart = true;
                continue;
            }
            // A closing tag with no opening one (a template prefill we didn't see) is still never shown.
            const strayIndex = this.#segment === "answer" && this.#closeTag != null ? input.indexOf(this.#closeTag) : -1;
            if (strayIndex >= 0) {
                this.#emit(chunks, input.slice(0, strayIndex), true);
                input = input.slice(strayIndex + this.#closeTag!.length);
                this.#atSegmentStart = true;
                continue;
            }
            const holdFrom = Math.min(
                tag == null ? input.length : partialTagStart(input, tag),
                this.#segment === "answer" && this.#closeTag != null ? partialTagStart(input, this.#closeTag) : input.length
            );
            // Trailing whitespace of reasoning may be the padding before `</think>`: hold it too.
            const trailingSpaceFrom = this.#segment === "reasoning" ? trailingWhitespaceStart(input.slice(0, holdFrom)) : holdFrom;
            this.#emit(chunks, input.slice(0, trailingSpaceFrom), false);
            this.#held = input.slice(trailingSpaceFrom);
            break;
        }
        return chunks;
    }

    /**
     * Ends the stream: held text that turned out not to be a tag is emitted, minus trailing
     * whitespace unless the stream was `cutShort` (stopped, out of tokens): a continuation goes on from it.
     */
    end(cutShort = false): SegmentChunk[] {
        const chunks: SegmentChunk[] = [];
        this.#emit(chunks, this.#held, !cutShort);
        this.#held = "";
        return chunks;
    }

    #emit(chunks: SegmentChunk[], text: string, beforeBoundary: boolean) {
        let value = text;
        if (this.#atSegmentStart)
            value = value.replace(/^\s+/, "");
        if (beforeBoundary)
            value = value.replace(/\s+$/, "");
        if (value === "")
            return;
        this.#atSegmentStart = false;
        const last = chunks.at(-1);
        if (last != null && last.segment === this.#segment)
            last.text += value;
        else
            chunks.push({segment: this.#segment, text: value});
    }
}

/** Index where a suffix of `text` begins that is a proper prefix of `tag`, or text.length. */
function partialTagStart(text: string, tag: string): number {
    for (let length = Math.min(tag.length - 1, text.length); length > 0; length--) {
        if (text.endsWith(tag.slice(0, length)))
            return text.length - length;
    }
    return text.length;
}

function trailingWhitespaceStart(text: string): number {
    return text.length - (text.length - text.trimEnd().length);
}
