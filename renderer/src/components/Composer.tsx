import {useEffect, useId, useRef} from "react";
import type {ClipboardEvent, DragEvent, FormEvent, KeyboardEvent} from "react";
import {useTranslation} from "react-i18next";
import type {PonderState} from "../store/createPonderStore";
import {isSendKey} from "../format/sendKey";
import {isEmptyChunkedText} from "../store/ChunkedText";
import {usePonder, usePonderStore} from "../store/PonderStoreContext";
import {activeDraft} from "../store/composerSelectors";
import {EmbeddingOffer} from "./EmbeddingOffer";
import {PendingAttachmentChip} from "./AttachmentChip";

/** Whether the active chat's last message is still being generated. */
function selectGenerating(state: PonderState): boolean {
    const ids = state.activeChatId == null ? undefined : state.chatMessageIds[state.activeChatId];
    const lastId = ids?.[ids.length - 1];
    return lastId != null && state.messages[lastId]?.status === "streaming";
}

/**
 * Whether "Answer now" can help: the active chat's reply hasn't begun its answer yet, and the
 * loaded engine can close a reasoning on request.
 */
function selectCanAnswerNow(state: PonderState): boolean {
    const ids = state.activeChatId == null ? undefined : state.chatMessageIds[state.activeChatId];
    const lastId = ids?.[ids.length - 1];
    const live = lastId == null ? undefined : state.live[lastId];
    return state.runtime.answersNow === true && live != null && state.messages[lastId!]?.status === "streaming" &&
        live.reasoningEndedAt == null && isEmptyChunkedText(live.text);
}

/** Why a message can't be sent right now, as a translation key, or null when it can. */
function selectBlocker(state: PonderState) {
    if (state.connection !== "connected")
        return "composer.disconnected" as const;
    if (state.runtime.status === "loading")
        return "composer.modelLoading" as const;
    if (state.runtime.status !== "ready")
        return "composer.noModel" as const;
    return null;
}

export function Composer() {
    const {t} = useTranslation();
    const hintId = useId();
    const inputId = useId();
    const inputRef = useRef<HTMLTextAreaElement>(null);
    const fileInputRef = useRef<HTMLInputElement>(null);
    const pendingAttachments = usePonder((state) => state.pendingAttachments);
    const attachFiles = usePonder((state) => state.attachFiles);
    const attachesByPath = usePonder((state) => state.attachesByPath);
    const attachPicked = usePonder((state) => state.attachPicked);
    const removePendingAttachment = usePonder((state) => state.removePendingAttachment);
    const uploading = pendingAttachments.some((pending) => pending.status === "uploading");
    const activeChatId = usePonder((state) => state.activeChatId);
    // Kept in the store, per chat: switching views or chats never loses a half-typed message.
    const draft = usePonder(activeDraft);
    const storeDraft = usePonder((state) => state.setDraft);
    const store = usePonderStore();
    const setDraft = (text: string) => storeDraft(activeChatId, text);
    const generating = usePonder(selectGenerating);
    const blocker = usePonder(selectBlocker);
    const send = usePonder((state) => state.send);
    const stop = usePonder((state) => state.stop);
    const canAnswerNow = usePonder(selectCanAnswerNow);
    const answerNow = usePonder((state) => state.answerNow);

    const composerFocusRequests = usePonder((state) => state.composerFocusRequests);
    useEffect(() => inputRef.current?.focus(), [activeChatId, composerFocusRequests]);

    const canSend = blocker == null && !generating && !uploading && draft.trim() !== "";

    async function submit() {
        const text = draft.trim();
        if (!canSend)
            return;

        setDraft("");
        // Give the text back if it didn't go out (the error is shown by the store), unless the user typed anew.
        if (!(await send(text)).ok && (store.getState().drafts[activeChatId ?? ""] ?? "") === "")
            setDraft(text);
    }

    function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
        if (event.key === "Escape" && generating) {
            event.preventDefault();
            void stop();
            return;
        }
        if (!isSendKey(event))
            return;

        event.preventDefault();
        void submit();
    }

    function onSubmit(event: FormEvent) {
        event.preventDefault();
        void submit();
    }

    function acceptDrag(event: DragEvent) {
        if (event.dataTransfer.types.includes("Files"))
            event.preventDefault();
    }

    function onDrop(event: DragEvent) {
        acceptDrag(event);
        void attachFiles([...event.dataTransfer.files]);
    }

    // Pasted files (a copied document, a screenshot) are attached; pasted text stays text.
    function onPaste(event: ClipboardEvent) {
        const files = [...event.clipboardData.files];
        if (files.length === 0)
            return;
        event.preventDefault();
        void attachFiles(files);
    }

    return (
        <form className="composer" onSubmit={onSubmit} onDragOver={acceptDrag} onDrop={onDrop} onPaste={onPaste}>
            {pendingAttachments.length > 0 && (
                <ul className="composer__attachments" aria-label={t("attachments.pending")}>
                    {pendingAttachments.map((pending) => <PendingAttachmentChip key={pending.key} pending={pending} onRemove={() => removePendingAttachment(pending.key)} />)}
                </ul>
            )}
            <button type="button" className="composer__attach" aria-label={t("attachments.attach")} title={t("attachments.attach")} onClick={() => attachesByPath ? void attachPicked() : fileInputRef.current?.click()}>
                <PaperclipIcon />
            </button>
            <input ref={fileInputRef} type="file" multiple hidden onChange={(event) => {
                const files = [...event.target.files ?? []];
                // Cleared, so picking the same file again is a change too.
                event.target.value = "";
                void attachFiles(files);
            }} />
            <label className="visually-hidden" htmlFor={inputId}>{t("composer.label")}</label>
            <textarea
                id={inputId}
                ref={inputRef}
                className="composer__input"
                rows={1}
                value={draft}
                placeholder={t("composer.placeholder")}
                aria-describedby={blocker == null ? undefined : hintId}
                onChange={(event) => setDraft(event.target.value)}
                onKeyDown={onKeyDown}
            />
            <div className="composer__actions">
                {generating && canAnswerNow && (
                    <button type="button" className="composer__button composer__button--secondary" title={t("composer.answerNowHint")} disabled={blocker === "composer.disconnected"} onClick={() => void answerNow()}>
                        {t("composer.answerNow")}
                    </button>
                )}
                {generating
                    ? (
                        <button
                            type="button"
                            className="composer__button composer__button--secondary"
                            disabled={blocker === "composer.disconnected"}
                            onClick={() => void stop()}
                        >
                            {t("composer.stop")}
                        </button>
                    )
                    : <button type="submit" className="composer__button" disabled={!canSend}>{t("composer.send")}</button>}
            </div>
            {blocker != null && <p id={hintId} className="composer__hint">{t(blocker)}</p>}
            {blocker == null && uploading && <p className="composer__hint" role="status">{t("attachments.waiting")}</p>}
            <EmbeddingOffer />
        </form>
    );
}

/** Drawn rather than an emoji: without a colour-emoji font (many Linux machines), 📎 is an empty box. */
function PaperclipIcon() {
    return (
        <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
            <path d="M20.5 11.5l-8.1 8.1a5.2 5.2 0 0 1-7.4-7.4l8.5-8.5a3.5 3.5 0 0 1 4.9 4.9l-8.5 8.5a1.7 1.7 0 0 1-2.5-2.5l7.8-7.8" />
        </svg>
    );
}
