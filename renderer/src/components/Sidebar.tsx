import {useTranslation} from "react-i18next";
import {usePonder} from "../store/PonderStoreContext";
import {ConversationList} from "./ConversationList";
import {GenerationSettingsPanel} from "./GenerationSettingsPanel";
import {AboutButton} from "./AboutDialog";
import {ApiServerPanel} from "./ApiServerPanel";
import {LanguageSelect} from "./LanguageSelect";
import {ModelPanel} from "./ModelPanel";
import {RemoteEnginesPanel} from "./RemoteEnginesPanel";
import {ToolsPanel} from "./ToolsPanel";

export function Sidebar() {
    const {t} = useTranslation();
    const startNewChat = usePonder((state) => state.startNewChat);

    return (
        <aside className="sidebar">
            <header className="sidebar__header">
                <span className="sidebar__brand">{t("app.name")}</span>
                <button type="button" className="button button--primary" onClick={startNewChat}>{t("chats.newChat")}</button>
            </header>
            <ConversationList />
            <div className="sidebar__panels">
                <ModelPanel />
                <GenerationSettingsPanel />
                <RemoteEnginesPanel />
                <ToolsPanel />
                <ApiServerPanel />
            </div>
            <footer className="sidebar__footer">
                <LanguageSelect />
                <AboutButton />
            </footer>
        </aside>
    );
}
