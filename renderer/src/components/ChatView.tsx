import {useTranslation} from "react-i18next";
import {usePonder} from "../store/PonderStoreContext";
import {activeChatSummary} from "../store/conversationSelectors";
import {Composer} from "./Composer";
import {ContextMeter} from "./ContextMeter";
import {ConnectionBanner} from "./ConnectionBanner";
import {MessageList} from "./MessageList";
import {ModelPicker} from "./ModelPicker";
import {ShowSidebarButton} from "./Sidebar";

export function ChatView() {
    const {t} = useTranslation();
    const title = usePonder(activeChatSummary)?.title;
    const panelOpen = usePonder((state) => state.chatPanelOpen);
    const setChatPanelOpen = usePonder((state) => state.setChatPanelOpen);

    return (
        <main className="chat">
            <header className="chat__header">
                <ShowSidebarButton />
                <h1 className="chat__title" title={title || t("chats.untitled")}>{title || t("chats.untitled")}</h1>
                <ModelPicker />
                <ContextMeter />
                <button type="button" className="button button--small chat__settings-toggle" aria-pressed={panelOpen} aria-controls="chat-settings-panel" onClick={() => setChatPanelOpen(!panelOpen)}>
                    {t("chatTools.settings")}
                </button>
            </header>
            <ConnectionBanner />
            <MessageList />
            <Composer />
        </main>
    );
}
