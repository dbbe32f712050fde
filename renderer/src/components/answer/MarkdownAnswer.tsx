import {memo, useEffect, useMemo, useRef} from "react";
import type {MouseEvent} from "react";
import {useTranslation} from "react-i18next";
import {useClipboardCopy} from "../../hooks/useClipboardCopy";
import type {ChunkedText} from "../../store/ChunkedText";
import {markdownToHtml} from "./markdownToHtml";
import type {MarkdownLabels} from "./markdownToHtml";
import {emptyMarkdownBlocks, splitMarkdownBlocks} from "./MarkdownBlocks";
import {sanitizeHtml} from "./sanitizeHtml";

export interface MarkdownAnswerProps {
    text: ChunkedText;
    className: string;
    /** Keep single line breaks, as in text a person typed. Defaults to false (markdown's joining). */
    lineBreaks?: boolean;
}

/** Rendered markdown, block by block: while it streams, only the open block is parsed again. */
export function MarkdownAnswer({text, className, lineBreaks = false}: MarkdownAnswerProps) {
    const {t} = useTranslation();
    const source = useMemo(() => text.chunks.join("") + text.tail, [text]);
    const previous = useRef(emptyMarkdownBlocks);
    const blocks = splitMarkdownBlocks(source, previous.current);
    previous.current = blocks;
    const labels = useMemo<MarkdownLabels>(() => ({copyCode: t("answer.copyCode")}), [t]);
    const options = useMemo(() => ({lineBreaks}), [lineBreaks]);

    // The copy buttons are in the rendered HTML, not React's: the feedback is written into the one copied.
    const [copiedButton, copy] = useClipboardCopy<Element>(1500);
    useEffect(() => {
        if (copiedButton == null)
            return;
        copiedButton.textContent = t("answer.copied");
        return () => {
            copiedButton.textContent = labels.copyCode;
        };
    }, [copiedButton, t, labels]);

    const onClick = (event: MouseEvent<HTMLDivElement>) => {
        const button = (event.target as Element).closest(".code-block__copy");
        const code = button?.closest(".code-block")?.querySelector("code")?.textContent;
        if (button != null && code != null)
            void copy(code, button);
    };

    return (
        // Clicks come from the copy buttons inside the rendered HTML, which are real buttons.
        <div className={`${className} markdown`} onClick={onClick}>
            {blocks.finished.map((block, index) => (
                <MarkdownBlock key={index} source={block} skippable={index < blocks.finished.length - 1} labels={labels} options={options} />
            ))}
            {blocks.open !== "" && <MarkdownBlock key={blocks.finished.length} source={blocks.open} skippable={false} labels={labels} options={options} />}
        </div>
    );
}

interface MarkdownBlockProps {
    source: string;
    /**
     * Whether layout may skip the block off screen. Not the open block, whose size would go stale
     * off screen, nor the latest finished one, for the reason `ChunkedTextView` gives.
     */
    skippable: boolean;
    labels: MarkdownLabels;
    options: {lineBreaks: boolean};
}

const MarkdownBlock = memo(function MarkdownBlock({source, skippable, labels, options}: MarkdownBlockProps) {
    const html = useMemo(() => sanitizeHtml(markdownToHtml(source, labels, options)), [source, labels, options]);
    return <div className={skippable ? "markdown__block markdown__block--skippable" : "markdown__block"} dangerouslySetInnerHTML={{__html: html}} />;
});
