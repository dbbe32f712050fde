import {ChatSettingsPanel} from "./components/ChatSettingsPanel";
import {ChatView} from "./components/ChatView";
import {KeyboardShortcuts} from "./components/KeyboardShortcuts";
import {ModelsView} from "./components/ModelsView";
import {Notices} from "./components/Notices";
import {SettingsView} from "./components/settings/SettingsView";
import {Sidebar} from "./components/Sidebar";
import {chatPanelShown} from "./store/layoutSelectors";
import {usePonder} from "./store/PonderStoreContext";

export function App() {
    const view = usePonder((state) => state.view);
    const sidebarOpen = usePonder((state) => state.sidebarOpen);
    const chatPanelOpen = usePonder(chatPanelShown);
    return (
        <div className="app" data-sidebar={sidebarOpen ? "open" : "closed"} data-panel={chatPanelOpen ? "open" : "closed"}>
            {sidebarOpen && <Sidebar />}
            <div className="workspace">
                {view === "models" ? <ModelsView /> : view === "settings" ? <SettingsView /> : <ChatView />}
                <Notices />
            </div>
            {chatPanelOpen && <ChatSettingsPanel />}
            <KeyboardShortcuts />
        </div>
    );
}
