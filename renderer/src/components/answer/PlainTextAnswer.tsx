import type {ChunkedText} from "../../store/ChunkedText";
import {ChunkedTextView} from "../ChunkedTextView";

/** What any answer renderer receives; a markdown renderer will take PlainTextAnswer's place. */
export interface AnswerRendererProps {
    text: ChunkedText;
}

/** The answer as plain text with its line breaks kept. */
export function PlainTextAnswer({text}: AnswerRendererProps) {
    return <ChunkedTextView text={text} className="answer" />;
}
