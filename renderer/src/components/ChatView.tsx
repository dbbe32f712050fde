import {useTranslation} from "react-i18next";
import {usePonder} from "../store/PonderStoreContext";
import {ChatTools} from "./ChatTools";
import {Composer} from "./Composer";
import {ContextMeter} from "./ContextMeter";
import {ConnectionBanner} from "./ConnectionBanner";
import {MessageList} from "./MessageList";

export function ChatView() {
    const {t} = useTranslation();
    const title = usePonder((state) => state.activeChatId == null ? undefined : state.chatSummaries[state.activeChatId]?.title);

    return (
        <main className="chat">
            <header className="chat__header">
                <h1 className="chat__title">{title || t("chats.untitled")}</h1>
                <ContextMeter />
                <ChatTools />
            </header>
            <ConnectionBanner />
            <MessageList />
            <Composer />
        </main>
    );
}
