import {useEffect, useRef, useState} from "react";
import type {FormEvent} from "react";
import {useTranslation} from "react-i18next";
import type {Message, MessageStats, ReplyLimit} from "../../../electron/contract";
import {fileDisplayName} from "../format/modelName";
import {isSendKey} from "../format/sendKey";
import {useClipboardCopy} from "../hooks/useClipboardCopy";
import {usePonder} from "../store/PonderStoreContext";
import {chatStreaming} from "../store/conversationSelectors";
import {modelLoading, readyRuntimeOf} from "../store/runtimeSelectors";

/** Whether the message's chat is generating, when actions that start or change a reply must wait. */
function useChatBusy(chatId: string): boolean {
    return usePonder(chatStreaming(chatId));
}

/** "2 / 3" with buttons to the previous and next version of a message that has several. */
export function VersionSwitcher({message}: {message: Message}) {
    const {t} = useTranslation();
    const versions = usePonder((state) => state.chatAlternatives[message.chatId]?.[message.id]);
    const showVersion = usePonder((state) => state.showVersion);
    if (versions == null || versions.length < 2)
        return null;
    const index = versions.indexOf(message.id);
    const go = (to: number) => void showVersion(message.chatId, versions[to]!);
    return (
        <span className="versions">
            <button type="button" className="icon-button" aria-label={t("message.previousVersion")} disabled={index <= 0} onClick={() => go(index - 1)}>‹</button>
            <span className="versions__position">{t("message.version", {index: index + 1, count: versions.length})}</span>
            <button type="button" className="icon-button" aria-label={t("message.nextVersion")} disabled={index >= versions.length - 1} onClick={() => go(index + 1)}>›</button>
        </span>
    );
}

/** `focusEdit`: the edit form was just cancelled, so the focus goes back to the Edit button that opened it. */
export function UserMessageActions({message, onEdit, focusEdit}: {message: Message; onEdit(): void; focusEdit: boolean}) {
    const {t} = useTranslation();
    const busy = useChatBusy(message.chatId);
    const editRef = useRef<HTMLButtonElement>(null);
    useEffect(() => {
        if (focusEdit)
            editRef.current?.focus();
    }, [focusEdit]);
    return (
        <div className="message__actions">
            <VersionSwitcher message={message} />
            <button ref={editRef} type="button" className="icon-button" disabled={busy} onClick={onEdit}>{t("message.edit")}</button>
            <DeleteMessageButton message={message} disabled={busy} />
        </div>
    );
}

/** The message goes, and its Delete button with it: the focus goes to the composer, where the conversation goes on. */
function DeleteMessageButton({message, disabled}: {message: Message; disabled: boolean}) {
    const {t} = useTranslation();
    const deleteMessage = usePonder((state) => state.deleteMessage);
    const focusComposer = usePonder((state) => state.focusComposer);
    return (
        <button
            type="button"
            className="icon-button"
            disabled={disabled}
            onClick={async () => {
                if ((await deleteMessage(message.chatId, message.id)).ok)
                    focusComposer();
            }}
        >
            {t("message.delete")}
        </button>
    );
}

/**
 * Editing a user message: sending the edit makes a new branch beside the old one, and the focus
 * goes to the composer (where Escape stops the new reply); cancelling returns it to Edit.
 */
export function EditMessageForm({message, onDone}: {message: Message; onDone(outcome: "sent" | "cancelled"): void}) {
    const {t} = useTranslation();
    const [draft, setDraft] = useState(message.text);
    const editMessage = usePonder((state) => state.editMessage);
    const focusComposer = usePonder((state) => state.focusComposer);
    const busy = useChatBusy(message.chatId);
    const canSend = !busy && draft.trim() !== "" && draft.trim() !== message.text;

    async function onSubmit(event: FormEvent) {
        event.preventDefault();
        if (canSend && (await editMessage(message.chatId, message.id, draft.trim())).ok) {
            focusComposer();
            onDone("sent");
        }
    }

    return (
        <form className="message__edit" onSubmit={onSubmit}>
            <textarea
                className="message__edit-input"
                aria-label={t("message.editLabel")}
                value={draft}
                autoFocus
                onChange={(event) => setDraft(event.target.value)}
                onKeyDown={(event) => {
                    if (event.key === "Escape")
                        onDone("cancelled");
                    if (isSendKey(event)) {
                        event.preventDefault();
                        void onSubmit(event);
                    }
                }}
            />
            <button type="submit" className="button button--primary" disabled={!canSend}>{t("message.sendEdit")}</button>
            <button type="button" className="button" onClick={() => onDone("cancelled")}>{t("message.cancelEdit")}</button>
        </form>
    );
}

export function AssistantMessageActions({message}: {message: Message}) {
    const {t} = useTranslation();
    const busy = useChatBusy(message.chatId);
    const regenerate = usePonder((state) => state.regenerate);
    const continueMessage = usePonder((state) => state.continueMessage);
    const [copied, copy] = useClipboardCopy<"answer" | "reasoning">();
    const contextSize = useContextSizeOf(message);
    const continuable = usePonder((state) => state.runtime.continuesReplies !== false);
    if (message.status === "streaming")
        return null;
    // Continue writes into the same context: not after an answer that filled it, nor on an engine that can't.
    const cutShort = continuable && (message.status === "stopped" || message.status === "interrupted" || message.status === "error" ||
        (message.stats?.stopReason === "length" && lengthLimitOf(message.stats, contextSize)?.name !== "context"));

    return (
        <div className="message__actions">
            <VersionSwitcher message={message} />
            {message.text !== "" && <button type="button" className="icon-button" onClick={() => void copy(message.text, "answer")}>{t("message.copyAnswer")}</button>}
            {message.reasoning !== "" && <button type="button" className="icon-button" onClick={() => void copy(message.reasoning, "reasoning")}>{t("message.copyReasoning")}</button>}
            <button type="button" className="icon-button" disabled={busy} onClick={() => void regenerate(message.chatId, message.id)}>{t("message.regenerate")}</button>
            <RegenerateWith message={message} disabled={busy} />
            {cutShort && <button type="button" className="icon-button" disabled={busy} onClick={() => void continueMessage(message.chatId, message.id)}>{t("message.continue")}</button>}
            <DeleteMessageButton message={message} disabled={busy} />
            <span className="message__copied" role="status">{copied != null && t(copied === "answer" ? "message.copiedAnswer" : "message.copiedReasoning")}</span>
        </div>
    );
}

/**
 * "With another model…": the models other than the loaded one (library files that load, remote
 * engines' models); choosing one loads it and regenerates the answer with it.
 */
function RegenerateWith({message, disabled}: {message: Message; disabled: boolean}) {
    const {t} = useTranslation();
    const files = usePonder((state) => state.modelFiles);
    const engines = usePonder((state) => state.engines);
    const current = usePonder((state) => state.runtime.modelId);
    const loading = usePonder(modelLoading);
    const regenerateWith = usePonder((state) => state.regenerateWith);
    const others = [
        ...files.filter((file) => file.error == null && file.id !== current).map((file) => ({id: file.id, name: fileDisplayName(file)})),
        ...(engines ?? []).flatMap((engine) => engine.models.filter((model) => model.id !== current).map((model) => ({id: model.id, name: t("message.onEngine", {model: model.name, engine: engine.name})})))
    ];
    if (others.length === 0)
        return null;
    return (
        <select
            className="message__regenerate-with"
            aria-label={t("message.regenerateWith")}
            value=""
            disabled={disabled || loading}
            onChange={(event) => {
                if (event.target.value !== "")
                    void regenerateWith(message.chatId, message.id, event.target.value);
            }}
        >
            <option value="">{t("message.regenerateWithPlaceholder")}</option>
            {others.map((model) => <option key={model.id} value={model.id}>{model.name}</option>)}
        </select>
    );
}

/** The context size of the model that wrote the message, when it is the one loaded. */
export function useContextSizeOf(message: Message): number | null {
    return usePonder(readyRuntimeOf(message.stats?.modelId))?.contextSize ?? null;
}

/**
 * Which limit a reply cut by length reached: as its stats say, or, for replies from before they
 * said, the context when the conversation filled the loaded model's; null when it can't be told.
 */
export function lengthLimitOf(stats: MessageStats, contextSize: number | null): ReplyLimit | null {
    if (stats.limit != null)
        return stats.limit;
    // A few tokens short of the size: the room kept for closing the reasoning and the end-of-turn tokens.
    if (contextSize != null && stats.contextTokens != null && stats.contextTokens >= contextSize - 32)
        return {name: "context", tokens: contextSize};
    return null;
}
