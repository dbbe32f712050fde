import {useEffect, useState} from "react";
import {useTranslation} from "react-i18next";
import type {ChatSummary} from "../../../electron/contract";
import {saveFile} from "../format/saveFile";
import {usePonder} from "../store/PonderStoreContext";
import {activeChatSummary} from "../store/conversationSelectors";
import {loadedModelId} from "../store/runtimeSelectors";
import {ChatPresets} from "./ChatPresets";
import {GenerationSettingsPanel} from "./GenerationSettingsPanel";

/**
 * The open chat's settings, on the right: the user's presets, its system prompt and reasoning
 * setting, its generation settings, and its export. A new chat has them too, before its first message: changing one
 * creates the chat.
 */
export function ChatSettingsPanel() {
    const {t} = useTranslation();
    const chat = usePonder(activeChatSummary);
    const modelId = usePonder(loadedModelId);
    const setChatPanelOpen = usePonder((state) => state.setChatPanelOpen);

    return (
        <aside id="chat-settings-panel" className="chat-panel" aria-label={t("chatTools.settings")}>
            <header className="chat-panel__header">
                <h2 className="chat-panel__title">{t("chatTools.settings")}</h2>
                <button type="button" className="icon-button" aria-label={t("chatTools.close")} title={t("chatTools.close")} onClick={() => setChatPanelOpen(false)}>
                    <span aria-hidden="true">×</span>
                </button>
            </header>
            <div className="chat-panel__body">
                <ChatPresets chatId={chat?.id ?? null} modelId={modelId} />
                <ChatOwnSettings key={chat?.id ?? ""} chat={chat} />
                <GenerationSettingsPanel key={`${chat?.id ?? ""}:${modelId ?? ""}`} modelId={modelId} inChat />
                {chat != null && <ChatExport chatId={chat.id} />}
            </div>
        </aside>
    );
}

function ChatOwnSettings({chat}: {chat: ChatSummary | undefined}) {
    const {t} = useTranslation();
    const updateChatSettings = usePonder((state) => state.updateChatSettings);
    const ensureChat = usePonder((state) => state.ensureChat);
    // Shown as edited at once; the stored value comes back with the chat list and wins.
    const [systemPrompt, setSystemPrompt] = useState(chat?.systemPrompt ?? "");
    useEffect(() => setSystemPrompt(chat?.systemPrompt ?? ""), [chat?.systemPrompt]);
    const [sendReasoning, setSendReasoning] = useState(chat?.sendReasoning ?? false);
    useEffect(() => setSendReasoning(chat?.sendReasoning ?? false), [chat?.sendReasoning]);

    async function update(settings: {systemPrompt?: string; sendReasoning?: boolean}) {
        const target = await ensureChat();
        if (target.ok)
            await updateChatSettings(target.value, settings);
    }

    return (
        <section className="chat-panel__section">
            <label className="chat-tools__field">
                <span>{t("chatTools.systemPrompt")}</span>
                <textarea
                    value={systemPrompt}
                    rows={4}
                    placeholder={t("chatTools.systemPromptPlaceholder")}
                    onChange={(event) => setSystemPrompt(event.target.value)}
                    onBlur={() => {
                        if (systemPrompt !== (chat?.systemPrompt ?? ""))
                            void update({systemPrompt});
                    }}
                />
            </label>
            <label className="chat-tools__check">
                <input
                    type="checkbox"
                    checked={sendReasoning}
                    onChange={(event) => {
                        setSendReasoning(event.target.checked);
                        void update({sendReasoning: event.target.checked});
                    }}
                />
                <span>{t("chatTools.sendReasoning")}</span>
            </label>
            <p className="chat-tools__hint">{t("chatTools.sendReasoningHint")}</p>
        </section>
    );
}

function ChatExport({chatId}: {chatId: string}) {
    const {t} = useTranslation();
    const exportChats = usePonder((state) => state.exportChats);
    async function exportAndSave(format: "markdown" | "json") {
        const file = await exportChats(format, chatId);
        if (file.ok)
            saveFile(file.value);
    }
    return (
        <section className="chat-panel__section chat-panel__export">
            <button type="button" className="button button--small" onClick={() => void exportAndSave("markdown")}>{t("chatTools.exportMarkdown")}</button>
            <button type="button" className="button button--small" onClick={() => void exportAndSave("json")}>{t("chatTools.exportJson")}</button>
        </section>
    );
}
