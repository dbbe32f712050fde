import {Fragment, memo, useCallback, useMemo, useState} from "react";
import {useTranslation} from "react-i18next";
import type {Message} from "../../../electron/contract";
import {chunkText, isEmptyChunkedText} from "../store/ChunkedText";
import {isLive, liveReasoningBegun, liveReasoningChunks, liveReasoningLengthUpTo, liveText, liveReasoningEndedAt, liveReasoningStartedAt, messageById} from "../store/conversationSelectors";
import {usePonder, usePonderStore} from "../store/PonderStoreContext";
import {MarkdownAnswer} from "./answer/MarkdownAnswer";
import {AttachmentChip} from "./AttachmentChip";
import {ChunkedTextView, type ChunkedTextUpdates} from "./ChunkedTextView";
import {AssistantMessageActions, EditMessageForm, UserMessageActions, lengthLimitOf, useContextSizeOf} from "./MessageActions";
import {MessageStatsLine} from "./MessageStatsLine";
import {Reasoning} from "./Reasoning";
import {IndexingStatus, SourceList} from "./SourceList";
import {ToolCallList} from "./ToolCallList";
import {chunkedFrom, joinChunked, madeInReasoning, timelineOf} from "./toolTimeline";
import {localizeError} from "../i18n/localizeError";

/** One message; selects only its own entries, so a delta re-renders only the message it extends. */
export const MessageItem = memo(function MessageItem({id}: {id: string}) {
    const message = usePonder(messageById(id));
    if (message == null)
        return null;

    return message.role === "user"
        ? <UserMessage message={message} />
        : <AssistantMessage message={message} />;
});

function UserMessage({message}: {message: Message}) {
    const {t} = useTranslation();
    const text = useMemo(() => chunkText(message.text), [message.text]);
    const [editing, setEditing] = useState(false);
    const [editCancelled, setEditCancelled] = useState(false);
    return (
        <article className="message message--user" aria-label={t("message.user")} title={useMessageTime(message.createdAt)}>
            {editing
                ? <EditMessageForm message={message} onDone={(outcome) => {
                    setEditing(false);
                    setEditCancelled(outcome === "cancelled");
                }} />
                : <MarkdownAnswer text={text} className="message__bubble" lineBreaks />}
            {message.attachments != null && (
                <ul className="message__attachments" aria-label={t("attachments.attached")}>
                    {message.attachments.map((attachment) => <AttachmentChip key={attachment.id + attachment.name} attachment={attachment} />)}
                </ul>
            )}
            {!editing && <UserMessageActions message={message} focusEdit={editCancelled} onEdit={() => setEditing(true)} />}
        </article>
    );
}

function AssistantMessage({message}: {message: Message}) {
    const {t} = useTranslation();
    return (
        <article className="message message--assistant" aria-label={t("message.assistant")} aria-busy={message.status === "streaming"} title={useMessageTime(message.createdAt)}>
            <AssistantMessageBody message={message} />
            <AssistantMessageFooter message={message} />
        </article>
    );
}

/**
 * The reasoning and the answer: the only part of a message that a delta re-renders, and for
 * reasoning only when a chunk of it is finished. The reasoning's tail is written by its element
 * itself (`ChunkedTextView`'s updates).
 */
function AssistantMessageBody({message}: {message: Message}) {
    const id = message.id;
    const live = usePonder(isLive(id));
    const reasoningChunks = usePonder(liveReasoningChunks(id));
    const reasoningBegun = usePonder(liveReasoningBegun(id));
    const streamedText = usePonder(liveText(id));
    const liveStartedAt = usePonder(liveReasoningStartedAt(id));
    const liveEndedAt = usePonder(liveReasoningEndedAt(id));
    const store = usePonderStore();
    const reasoningUpdates = useCallback<ChunkedTextUpdates>((onText) => store.subscribe((state, previous) => {
        const reasoning = state.live[id]?.reasoning;
        if (reasoning != null && reasoning !== previous.live[id]?.reasoning)
            onText(reasoning);
    }), [store, id]);

    // Chunked the same way as the live text, so finishing keeps the rendered chunks.
    const finishedReasoning = useMemo(() => chunkText(message.reasoning), [message.reasoning]);
    const finishedText = useMemo(() => chunkText(message.text), [message.text]);

    // The tail as of this render; the updates carry it on from here.
    const reasoning = live ? {chunks: reasoningChunks ?? [], tail: store.getState().live[id]?.reasoning.tail ?? ""} : finishedReasoning;
    const text = streamedText ?? finishedText;
    const startedAt = live ? liveStartedAt : message.reasoningStartedAt;
    const endedAt = live ? liveEndedAt : message.reasoningEndedAt;
    const streaming = message.status === "streaming";
    const hasReasoning = (live ? reasoningBegun : !isEmptyChunkedText(reasoning)) || (streaming && startedAt != null);
    const hasAnswer = !isEmptyChunkedText(text);

    // The timeline: calls made inside the reasoning sit between its stretches, the others between
    // the reasoning and the answer or between stretches of the answer, where they were made.
    const calls = message.toolCalls;
    // Live, how much of the reasoning up to the last call has arrived: it re-renders only until all has.
    const lastOffset = Math.max(0, ...calls.map((call) => call.reasoningOffset));
    const liveReasoningLength = usePonder(liveReasoningLengthUpTo(id, lastOffset + 1));
    const reasoningLength = live ? liveReasoningLength : message.reasoning.length;
    const reasoningCalls = calls.filter((call) => madeInReasoning(call, reasoningLength));
    const answerCalls = calls.filter((call) => !reasoningCalls.includes(call));
    const reasoningSteps = reasoningCalls.length === 0 ? undefined : timelineOf(joinChunked(reasoning), reasoningCalls, (call) => call.reasoningOffset);
    const restFrom = reasoningSteps?.restFrom ?? 0;
    const restUpdates = useCallback<ChunkedTextUpdates>((onText) => reasoningUpdates((latest) => onText(chunkedFrom(latest, restFrom))), [reasoningUpdates, restFrom]);
    const answerSteps = timelineOf(joinChunked(text), answerCalls, (call) => call.textOffset);

    return (
        <>
            {hasReasoning && (
                <Reasoning
                    text={chunkedFrom(reasoning, restFrom)}
                    updates={live ? (restFrom === 0 ? reasoningUpdates : restUpdates) : undefined}
                    inProgress={streaming && endedAt == null && !hasAnswer}
                    answered={hasAnswer}
                    startedAt={startedAt ?? message.createdAt}
                    // The stats line's time once there is one, so that both say the same; until then the clock's.
                    durationMs={message.stats?.reasoningMs ?? (startedAt != null && endedAt != null ? endedAt - startedAt : null)}
                    before={reasoningSteps?.steps.map((step) => (
                        <Fragment key={step.calls[0]!.id}>
                            {step.text !== "" && <ChunkedTextView text={chunkText(step.text)} className="reasoning__text" />}
                            <ToolCallList chatId={message.chatId} calls={step.calls} />
                        </Fragment>
                    ))}
                />
            )}
            {answerSteps.steps.map((step) => (
                <Fragment key={step.calls[0]!.id}>
                    {step.text !== "" && <MarkdownAnswer text={chunkText(step.text)} className="answer" />}
                    <ToolCallList chatId={message.chatId} calls={step.calls} />
                </Fragment>
            ))}
            {hasAnswer && <MarkdownAnswer text={chunkedFrom(text, answerSteps.restFrom)} className="answer" />}
            {streaming && <IndexingStatus messageId={id} />}
            {streaming && !hasReasoning && !hasAnswer && <WaitingStatus chatId={message.chatId} />}
        </>
    );
}

/** Before the first token: the prompt is being read, or every sequence is busy and the reply waits its turn. */
const dayMs = 24 * 60 * 60 * 1000;

/** When a message was written, shown on hover: the time, with the full date once it's older than a day. */
function useMessageTime(createdAt: number): string {
    const {i18n} = useTranslation();
    const older = Date.now() - createdAt > dayMs;
    return new Intl.DateTimeFormat(i18n.language, older ? {dateStyle: "full", timeStyle: "short"} : {timeStyle: "short"}).format(createdAt);
}

function WaitingStatus({chatId}: {chatId: string}) {
    const {t} = useTranslation();
    const reply = usePonder((state) => state.chatSummaries[chatId]?.reply);
    return (
        <p className="message__status message__status--waiting" role="status">
            {reply?.state !== "waiting" ? t("message.waiting") : reply.ahead === 0 ? t("message.queuedNext") : t("message.queued", {count: reply.ahead})}
        </p>
    );
}

/** Depends on the message alone, so the deltas that re-render a streaming reply's text skip it. */
const AssistantMessageFooter = memo(function AssistantMessageFooter({message}: {message: Message}) {
    return (
        <>
            <SourceList message={message} />
            <MessageStatus message={message} />
            <MessageStatsLine stats={message.status === "streaming" ? null : message.stats} />
            <AssistantMessageActions message={message} />
        </>
    );
});

function MessageStatus({message}: {message: Message}) {
    const {t} = useTranslation();
    switch (message.status) {
        case "stopped":
            return <p className="message__status">{t("message.stopped")}</p>;
        case "interrupted":
            return <p className="message__status message__status--warning">{t("message.interrupted")}</p>;
        case "error":
            return (
                <p className="message__status message__status--error">
                    {message.error == null || message.error === "" ? t("message.errorUnknown") : t("message.error", {message: localizeError(message.error)})}
                </p>
            );
        default:
            return <ReplyNotes message={message} />;
    }
}

/** Why a finished reply ended where it did, when it wasn't simply done, and what was left out of its prompt. */
function ReplyNotes({message}: {message: Message}) {
    const {t, i18n} = useTranslation();
    const contextSize = useContextSizeOf(message);
    const stats = message.stats;
    if (message.status !== "done" || stats == null)
        return null;
    const limit = lengthLimitOf(stats, contextSize);
    const tokens = (count: number) => new Intl.NumberFormat(i18n.language).format(count);
    const notes = [
        stats.stopReason === "budget" && t("message.cutByBudget", {count: stats.reasoningTokens}),
        stats.stopReason === "length" && (limit == null
            ? t("message.cutByLength")
            : t(limit.name === "context" ? "message.cutByContext" : "message.cutByMaxTokens", {tokens: tokens(limit.tokens)})),
        (stats.droppedTurns ?? 0) > 0 && t("message.droppedTurns", {count: stats.droppedTurns})
    ].filter((note) => note !== false);
    return notes.map((note) => <p key={note} className="message__status">{note}</p>);
}
