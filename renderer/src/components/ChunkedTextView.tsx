import {memo, useMemo} from "react";
import type {ChunkedText} from "../store/ChunkedText";

/**
 * Renders chunked text as one block per chunk. Finished chunks keep their elements (a delta that
 * only extends the tail keeps the same list) and are skipped by layout while off screen, so a
 * delta only re-renders and re-lays-out the tail. The tail is keyed as the chunk it will become:
 * when it is finished its element stays, and the text someone is reading doesn't move (a new
 * element took the scroll anchor's text away and threw the view elsewhere).
 */
export function ChunkedTextView({text, className}: {text: ChunkedText; className: string}) {
    const finished = useMemo(() => text.chunks.map((chunk, index) => <TextChunk key={index} text={chunk} finished />), [text.chunks]);
    return (
        <div className={className}>
            {text.tail === "" ? finished : [...finished, <TextChunk key={finished.length} text={text.tail} finished={false} />]}
        </div>
    );
}

const TextChunk = memo(function TextChunk({text, finished}: {text: string; finished: boolean}) {
    return <div className={finished ? "text-chunk text-chunk--finished" : "text-chunk"}>{text}</div>;
});
