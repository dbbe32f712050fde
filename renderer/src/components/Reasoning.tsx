import {memo, useState} from "react";
import type {ReactNode, SyntheticEvent} from "react";
import {useTranslation} from "react-i18next";
import {formatSeconds} from "../format/formatSeconds";
import {useNow} from "../hooks/useNow";
import type {ChunkedText} from "../store/ChunkedText";
import {ChunkedTextView} from "./ChunkedTextView";
import type {ChunkedTextUpdates} from "./ChunkedTextView";

export interface ReasoningProps {
    text: ChunkedText;
    /** While the reasoning streams: its newer versions, written without a render. */
    updates?: ChunkedTextUpdates;
    /** The model is still inside `<think>`. */
    inProgress: boolean;
    /** The answer has begun: the reasoning folds away unless the user opened it. */
    answered: boolean;
    /** When the reasoning began (epoch ms), for the live counter. */
    startedAt: number;
    /** How long it reasoned, once known. */
    durationMs: number | null;
    /** The reasoning before the last tool call made inside it, with the calls (`text` is what came after). */
    before?: ReactNode;
}

/**
 * The model's reasoning as a disclosure: open while it thinks, folded once the answer starts.
 * After the user opens or closes it, their choice wins over the automatic one.
 */
export const Reasoning = memo(function Reasoning({text, updates, inProgress, answered, startedAt, durationMs, before}: ReasoningProps) {
    const [userOpen, setUserOpen] = useState<boolean | null>(null);
    const open = userOpen ?? !answered;

    // `toggle` fires for our own `open` changes too; only a state the render didn't ask for is the user's.
    const onToggle = (event: SyntheticEvent<HTMLDetailsElement>) => {
        const nowOpen = event.currentTarget.open;
        if (nowOpen !== open)
            setUserOpen(nowOpen);
    };

    return (
        <details className="reasoning" open={open} onToggle={onToggle}>
            <summary className="reasoning__summary">
                <ReasoningSummary inProgress={inProgress} startedAt={startedAt} durationMs={durationMs} />
            </summary>
            {before}
            <ChunkedTextView text={text} updates={updates} className="reasoning__text" />
            {open && text.chunks.length > 0 && <CollapseAtEnd onCollapse={(summary) => {
                setUserOpen(false);
                // Back to where the folded reasoning now is, not somewhere in the answer below it.
                summary?.scrollIntoView({block: "nearest"});
            }} />}
        </details>
    );
});

/** A long reasoning read to its end can be folded there, without scrolling back up to its summary. */
function CollapseAtEnd({onCollapse}: {onCollapse(summary: HTMLElement | null): void}) {
    const {t} = useTranslation();
    return (
        <button type="button" className="button button--small reasoning__collapse" onClick={(event) => {
            onCollapse(event.currentTarget.closest("details")?.querySelector("summary") ?? null);
        }}>
            {t("reasoning.collapse")}
        </button>
    );
}

/** Apart from the text, so that the deltas extending the text don't translate it again. */
const ReasoningSummary = memo(function ReasoningSummary({inProgress, startedAt, durationMs}: Pick<ReasoningProps, "inProgress" | "startedAt" | "durationMs">) {
    const {t, i18n} = useTranslation();
    if (inProgress)
        return <ReasoningClock startedAt={startedAt} />;
    return durationMs == null ? t("reasoning.thoughts") : t("reasoning.thoughtFor", {seconds: formatSeconds(durationMs, i18n.language)});
});

/** Ticks on its own so the rest of the message doesn't re-render every second, nor it with every delta. */
const ReasoningClock = memo(function ReasoningClock({startedAt}: {startedAt: number}) {
    const {t} = useTranslation();
    const now = useNow(1000);
    return t("reasoning.thinking", {count: Math.max(0, Math.floor((now - startedAt) / 1000))});
});
