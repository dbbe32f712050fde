import {ChatView} from "./components/ChatView";
import {ModelsView} from "./components/ModelsView";
import {Notices} from "./components/Notices";
import {Sidebar} from "./components/Sidebar";
import {usePonder} from "./store/PonderStoreContext";

export function App() {
    const modelsViewOpen = usePonder((state) => state.modelsViewOpen);
    return (
        <div className="app">
            <Sidebar />
            {modelsViewOpen ? <ModelsView /> : <ChatView />}
            <Notices />
        </div>
    );
}
