import {useEffect, useState} from "react";
import {useTranslation} from "react-i18next";
import type {ChatSummary} from "../../../electron/contract";
import {saveFile} from "../format/saveFile";
import {usePonder} from "../store/PonderStoreContext";

/** The open chat's export buttons and its own settings: system prompt, earlier reasoning. */
export function ChatTools() {
    const chat = usePonder((state) => state.activeChatId == null ? undefined : state.chatSummaries[state.activeChatId]);
    if (chat == null)
        return null;
    return <ChatToolsFor key={chat.id} chat={chat} />;
}

function ChatToolsFor({chat}: {chat: ChatSummary}) {
    const {t} = useTranslation();
    const exportChats = usePonder((state) => state.exportChats);
    const updateChatSettings = usePonder((state) => state.updateChatSettings);
    // Shown as edited at once; the stored value comes back with the chat list and wins.
    const [systemPrompt, setSystemPrompt] = useState(chat.systemPrompt);
    useEffect(() => setSystemPrompt(chat.systemPrompt), [chat.systemPrompt]);
    const [sendReasoning, setSendReasoning] = useState(chat.sendReasoning);
    useEffect(() => setSendReasoning(chat.sendReasoning), [chat.sendReasoning]);

    return (
        <div className="chat-tools">
            <button type="button" className="button button--small" onClick={async () => saveFile(await exportChats("markdown", chat.id))}>{t("chatTools.exportMarkdown")}</button>
            <button type="button" className="button button--small" onClick={async () => saveFile(await exportChats("json", chat.id))}>{t("chatTools.exportJson")}</button>
            <details className="chat-tools__settings">
                <summary>{t("chatTools.settings")}</summary>
                <label className="chat-tools__field">
                    <span>{t("chatTools.systemPrompt")}</span>
                    <textarea
                        value={systemPrompt}
                        rows={3}
                        placeholder={t("chatTools.systemPromptPlaceholder")}
                        onChange={(event) => setSystemPrompt(event.target.value)}
                        onBlur={() => {
                            if (systemPrompt !== chat.systemPrompt)
                                void updateChatSettings(chat.id, {systemPrompt});
                        }}
                    />
                </label>
                <label className="chat-tools__check">
                    <input
                        type="checkbox"
                        checked={sendReasoning}
                        onChange={(event) => {
                            setSendReasoning(event.target.checked);
                            void updateChatSettings(chat.id, {sendReasoning: event.target.checked});
                        }}
                    />
                    <span>{t("chatTools.sendReasoning")}</span>
                </label>
                <p className="chat-tools__hint">{t("chatTools.sendReasoningHint")}</p>
            </details>
        </div>
    );
}
