import type {SegmentChunk, SegmentKind} from "./ReasoningSegmenter.ts";

/** A tool call the model wrote, as it wrote it between the call tags. */
export interface DetectedToolCall {
    /** The text between the tags (Hermes: `{"name": …, "arguments": {…}}`), untrimmed. */
    body: string;
    /** Where the model wrote it: inside its reasoning, or in its answer. */
    segment: SegmentKind;
}

/**
 * Takes tool calls out of the stream of reasoning and answer chunks, so their tags never reach
 * the user: text that could be the start of the opening tag is held back until the next text
 * decides it, and everything from the opening tag to the closing one is a call. After a call,
 * only white space and further calls may follow (Hermes writes parallel calls one after
 * another); anything else {@link ended ends} the calls, and is not shown.
 */
export class ToolCallDetector {
    readonly #openTag: string;
    readonly #closeTag: string;
    #held: SegmentChunk | null = null;
    /** The call being read, from its opening tag on. */
    #open: DetectedToolCall | null = null;
    readonly #calls: DetectedToolCall[] = [];
    /** What the model wrote since its last call closed. */
    #afterCalls = "";
    #ended = false;

    constructor(tags: {open: string; close: string}) {
        this.#openTag = tags.open;
        this.#closeTag = tags.close;
    }

    /** The whole calls read so far, in order. */
    get calls(): readonly DetectedToolCall[] {
        return this.#calls;
    }

    /** The model wrote something after its calls that is not another call: the calls are all there will be. */
    get ended(): boolean {
        return this.#ended;
    }

    /** The chunks to show (none once a call has been read). */
    push(chunks: readonly SegmentChunk[]): SegmentChunk[] {
        const shown: SegmentChunk[] = [];
        for (const chunk of chunks)
            this.#read(chunk, shown);
        return shown;
    }

    #read(chunk: SegmentChunk, shown: SegmentChunk[]) {
        if (this.#ended)
            return;
        if (this.#open != null) {
            this.#open.body += chunk.text;
            const end = this.#open.body.indexOf(this.#closeTag);
            if (end < 0)
                return;
            const rest = this.#open.body.slice(end + this.#closeTag.length);
            this.#calls.push({...this.#open, body: this.#open.body.slice(0, end)});
            this.#open = null;
            this.#afterCalls = "";
            this.#read({segment: chunk.segment, text: rest}, shown);
            return;
        }
        if (this.#calls.length > 0) {
            this.#afterCalls += chunk.text;
            const next = this.#afterCalls.trimStart();
            if (next.startsWith(this.#openTag))
                this.#startCall(chunk.segment, next.slice(this.#openTag.length), shown);
            else if (!this.#openTag.startsWith(next))
                this.#ended = true;
            return;
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
            this.#startCall(chunk.segment, text.slice(start + this.#openTag.length), shown);
            return;
        }
        const keep = partialTagLength(text, this.#openTag);
        if (text.length > keep)
            shown.push({segment: chunk.segment, text: text.slice(0, text.length - keep)});
        if (keep > 0)
            this.#held = {segment: chunk.segment, text: text.slice(text.length - keep)};
    }

    #startCall(segment: SegmentKind, rest: string, shown: SegmentChunk[]) {
        this.#open = {body: "", segment};
        this.#read({segment, text: rest}, shown);
    }

    /**
     * At the end of the stream, without a whole call: what was held back, and an unfinished call
     * as the text it was, so nothing is lost. After whole calls, an unfinished one is dropped.
     */
    end(): SegmentChunk[] {
        const rest: SegmentChunk[] = [];
        if (this.#held != null)
            rest.push(this.#held);
        if (this.#open != null && this.#calls.length === 0)
            rest.push({segment: this.#open.segment, text: this.#openTag + this.#open.body});
        this.#held = null;
        this.#open = null;
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
