import {memo} from "react";
import type {ChunkedText} from "../store/ChunkedText";

/**
 * Renders chunked text as one block per chunk. Finished chunks are memoized (same string → no
 * re-render) and skipped by layout while off screen, so a delta only re-lays-out the tail.
 */
export function ChunkedTextView({text, className}: {text: ChunkedText; className: string}) {
    return (
        <div className={className}>
            {text.chunks.map((chunk, index) => <TextChunk key={index} text={chunk} finished />)}
            {text.tail !== "" && <TextChunk text={text.tail} finished={false} />}
        </div>
    );
}

const TextChunk = memo(function TextChunk({text, finished}: {text: string; finished: boolean}) {
    return <div className={finished ? "text-chunk text-chunk--finished" : "text-chunk"}>{text}</div>;
});
