import type {SegmentChunk, SegmentKind} from "./ThoughtSegmenter.ts";

/** A tool call the model wrote, as it wrote it between the call tags. */
export interface DetectedToolCall {
    /** The text between the tags (Hermes: `{"name": …, "arguments": {…}}`), untrimmed. */
    body: string;
    /** Where the model wrote it: inside its reasoning, or in its answer. */
    segment: SegmentKind;
}

/**
 * Takes a tool call out of the stream of reasoning and answer chunks, so its tags never reach
 * the user: text that could be the start of the opening tag is held back until the next text
 * decides it, and everything from the opening tag to the closing one is the call.
 */
export class ToolCallDetector {
    readonly #openTag: string;
    readonly #closeTag: string;
    #held: SegmentChunk | null = null;
    #call: DetectedToolCall | null = null;

    constructor(tags: {open: string; close: string}) {
        this.#openTag = tags.open;
        this.#closeTag = tags.close;
    }

    /** The chunks to show; `call` once a whole call has been read (nothing after it is read). */
    push(chunks: readonly SegmentChunk[]): {chunks: SegmentChunk[]; call?: DetectedToolCall} {
        const shown: SegmentChunk[] = [];
        for (const chunk of chunks) {
            if (this.#call != null) {
                this.#call.body += chunk.text;
                const end = this.#call.body.indexOf(this.#closeTag);
                if (end >= 0)
                    return {chunks: shown, call: {...this.#call, body: this.#call.body.slice(0, end)}};
                continue;
            }
            let text = chunk.text;
            if (this.#held != null) {
                if (this.#held.segment === chunk.segment)
                    text = this.#held.text + text;
                else
                    shown.push(this.#held);
                this.#held = null;
            }
            const start = text.indexOf(this.#openTag);
            if (start >= 0) {
                if (start > 0)
                    shown.push({segment: chunk.segment, text: text.slice(0, start)});
                this.#call = {body: "", segment: chunk.segment};
                const rest = text.slice(start + this.#openTag.length);
                const result = this.push([{segment: chunk.segment, text: rest}]);
                return {chunks: [...shown, ...result.chunks], ...(result.call == null ? {} : {call: result.call})};
            }
            const keep = partialTagLength(text, this.#openTag);
            if (text.length > keep)
                shown.push({segment: chunk.segment, text: text.slice(0, text.length - keep)});
            if (keep > 0)
                this.#held = {segment: chunk.segment, text: text.slice(text.length - keep)};
        }
        return {chunks: shown};
    }

    /** At the end of the stream: what was held back, and an unfinished call as the text it was, so nothing is lost. */
    end(): SegmentChunk[] {
        const rest: SegmentChunk[] = [];
        if (this.#held != null)
            rest.push(this.#held);
        if (this.#call != null)
            rest.push({segment: this.#call.segment, text: this.#openTag + this.#call.body});
        this.#held = null;
        this.#call = null;
        return rest;
    }
}

/** How many characters at the end of `text` could begin `tag`. */
function partialTagLength(text: string, tag: string): number {
    for (let length = Math.min(tag.length - 1, text.length); length > 0; length--)
        if (tag.startsWith(text.slice(text.length - length)))
            return length;
    return 0;
}
