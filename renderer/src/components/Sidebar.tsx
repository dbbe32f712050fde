import {useTranslation} from "react-i18next";
import type {View} from "../store/layoutSlice";
import {usePonder} from "../store/PonderStoreContext";
import {AboutButton} from "./AboutDialog";
import {ConversationList} from "./ConversationList";

/** The conversations (search on top), and the way to the Models and Settings views; it can be hidden. */
export function Sidebar() {
    const {t} = useTranslation();
    const startNewChat = usePonder((state) => state.startNewChat);
    const setSidebarOpen = usePonder((state) => state.setSidebarOpen);

    return (
        <aside className="sidebar" aria-label={t("layout.sidebar")}>
            <header className="sidebar__header">
                <button type="button" className="icon-button sidebar__toggle" aria-label={t("layout.hideSidebar")} title={t("layout.hideSidebar")} onClick={() => setSidebarOpen(false)}>
                    <span aria-hidden="true">«</span>
                </button>
                <span className="sidebar__brand">{t("app.name")}</span>
                <button type="button" className="button button--primary button--small" onClick={startNewChat}>{t("chats.newChat")}</button>
            </header>
            <ConversationList />
            <footer className="sidebar__footer">
                <nav className="sidebar__views" aria-label={t("layout.views")}>
                    <ViewButton view="models" label={t("library.open")} />
                    <ViewButton view="settings" label={t("layout.settings")} />
                </nav>
                <AboutButton />
            </footer>
        </aside>
    );
}

function ViewButton({view, label}: {view: View; label: string}) {
    const current = usePonder((state) => state.view === view);
    const showView = usePonder((state) => state.showView);
    return (
        <button type="button" className="button button--small" aria-current={current ? "page" : undefined} onClick={() => showView(current ? "chat" : view)}>
            {label}
        </button>
    );
}

/** Shown in a view's header while the sidebar is hidden. */
export function ShowSidebarButton() {
    const {t} = useTranslation();
    const open = usePonder((state) => state.sidebarOpen);
    const setSidebarOpen = usePonder((state) => state.setSidebarOpen);
    if (open)
        return null;
    return (
        <button type="button" className="icon-button sidebar__toggle" aria-label={t("layout.showSidebar")} title={t("layout.showSidebar")} onClick={() => setSidebarOpen(true)}>
            <span aria-hidden="true">☰</span>
        </button>
    );
}
