import {memo, useMemo} from "react";
import type {ChunkedText} from "../store/ChunkedText";

/**
 * Renders chunked text as one block per chunk. Finished chunks keep their elements (a delta that
 * only extends the tail keeps the same list) and are skipped by layout while off screen, so a
 * delta only re-renders and re-lays-out the tail. The tail is keyed, and styled, as the chunk it
 * will become: when it is finished nothing about its element changes, and the text someone is
 * reading doesn't move (a chunk turning `content-visibility: auto` under the reader lost the
 * scroll anchor and threw the view to the bottom).
 */
export function ChunkedTextView({text, className}: {text: ChunkedText; className: string}) {
    const finished = useMemo(() => text.chunks.map((chunk, index) => <TextChunk key={index} text={chunk} />), [text.chunks]);
    return (
        <div className={className}>
            {text.tail === "" ? finished : [...finished, <TextChunk key={finished.length} text={text.tail} />]}
        </div>
    );
}

const TextChunk = memo(function TextChunk({text}: {text: string}) {
    return <div className="text-chunk">{text}</div>;
});
