import {ChatView} from "./components/ChatView";
import {Notices} from "./components/Notices";
import {Sidebar} from "./components/Sidebar";

export function App() {
    return (
        <div className="app">
            <Sidebar />
            <ChatView />
            <Notices />
        </div>
    );
}
