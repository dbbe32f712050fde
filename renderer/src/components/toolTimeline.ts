import type {MessageToolCall} from "../../../electron/contract";
import {chunkText, type ChunkedText} from "../store/ChunkedText";

/** A stretch of text and the calls made right after it. */
export interface TimelineStep {
    text: string;
    calls: MessageToolCall[];
}

/** Whether a call goes inside the reasoning; older messages without `segment` go by where the reasoning went on. */
export function madeInReasoning(call: MessageToolCall, reasoningLength: number): boolean {
    return call.segment == null ? call.textOffset === 0 && call.reasoningOffset < reasoningLength : call.segment === "reasoning";
}

/**
 * The text cut where the calls were made: each step is the text since the previous call (its
 * separating line breaks trimmed) and the calls made at its end; the text after the last call is
 * `rest`, from `restFrom` on.
 */
export function timelineOf(text: string, calls: readonly MessageToolCall[], offsetOf: (call: MessageToolCall) => number): {steps: TimelineStep[]; restFrom: number} {
    const steps: TimelineStep[] = [];
    let from = 0;
    for (const call of [...calls].sort((a, b) => offsetOf(a) - offsetOf(b))) {
        const at = Math.min(offsetOf(call), text.length);
        const last = steps.at(-1);
        if (last != null && at === from)
            last.calls.push(call);
        else
            steps.push({text: text.slice(from, at).trimStart(), calls: [call]});
        from = at;
    }
    return {steps, restFrom: from};
}

export function joinChunked(text: ChunkedText): string {
    return text.chunks.join("") + text.tail;
}

/** The text after the last call, as its own chunked text (chunked as if it began there). */
export function chunkedFrom(text: ChunkedText, from: number): ChunkedText {
    return from === 0 ? text : chunkText(joinChunked(text).slice(from).trimStart());
}
