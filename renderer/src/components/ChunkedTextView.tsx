import {memo, useLayoutEffect, useMemo, useRef} from "react";
import type {ChunkedText} from "../store/ChunkedText";

/** Calls back with each newer version of a streaming text; returns the unsubscribe. */
export type ChunkedTextUpdates = (onText: (text: ChunkedText) => void) => () => void;

interface ChunkedTextViewProps {
    text: ChunkedText;
    className: string;
    /**
     * While the text streams: its tail is written straight into the tail's element on every
     * update, with no render. A render per delta (the message, the commit and React's follow-up
     * task) was over half of the main thread's JavaScript while streaming.
     */
    updates?: ChunkedTextUpdates;
}

/**
 * Renders chunked text as one block per chunk. Finished chunks keep their elements (a delta that
 * only extends the tail keeps the same list) and are skipped by layout while off screen, so a
 * delta only re-lays-out the tail. The tail is keyed as the chunk it will become: when it is
 * finished its element stays, and the text someone is reading doesn't move (a new element took
 * the scroll anchor's text away and threw the view elsewhere).
 *
 * The latest finished chunk isn't skippable yet. A chunk made skippable is laid out at its last
 * remembered height for a frame, and the delta that finished it had just added to it.
 */
export function ChunkedTextView({text, className, updates}: ChunkedTextViewProps) {
    const finished = useMemo(() => text.chunks.map((chunk, index) => (
        <TextChunk key={index} text={chunk} skippable={index < text.chunks.length - 1} />
    )), [text.chunks]);
    const tailIndex = finished.length;
    return (
        <div className={className}>
            {text.tail === "" && updates == null
                ? finished
                : [...finished, <TextChunk key={tailIndex} text={text.tail} skippable={false} index={tailIndex} updates={updates} />]}
        </div>
    );
}

interface TextChunkProps {
    text: string;
    skippable: boolean;
    /** For the tail of a streaming text: its index among the chunks, and the text's updates. */
    index?: number;
    updates?: ChunkedTextUpdates;
}

const TextChunk = memo(function TextChunk({text, skippable, index, updates}: TextChunkProps) {
    const ref = useRef<HTMLDivElement>(null);
    useLayoutEffect(() => updates?.((latest) => {
        // Once this chunk is finished it gets its final text here too: the render that follows
        // compares with its own last props, not with the page, and may write nothing.
        const current = index == null ? undefined : latest.chunks[index] ?? (latest.chunks.length === index ? latest.tail : undefined);
        if (current != null && ref.current != null)
            writeText(ref.current, current);
    }), [index, updates]);
    return <div ref={ref} className={skippable ? "text-chunk text-chunk--skippable" : "text-chunk"}>{text}</div>;
});

/**
 * Changes the element's one text node in place, as React does: the node someone reads, or the
 * browser anchors scrolling to, stays. Text that only grew is appended, so a selection in it stays.
 */
function writeText(element: HTMLElement, text: string) {
    const node = element.firstChild;
    if (node == null || node !== element.lastChild || !(node instanceof Text))
        element.textContent = text;
    else if (text.startsWith(node.data))
        node.appendData(text.slice(node.data.length));
    else
        node.data = text;
}
