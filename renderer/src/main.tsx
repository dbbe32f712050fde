import {StrictMode} from "react";
import {createRoot} from "react-dom/client";
import {App} from "./App";
import {warmUpMarkdown} from "./components/answer/warmUpMarkdown";
import {connectPonder} from "./bridge/connectPonder";
import {i18n} from "./i18n/i18n";
import {chatIdFromLocation, syncChatLocation} from "./navigation/chatLocation";
import {attachConnection} from "./store/attachConnection";
import {createPonderStore} from "./store/createPonderStore";
import {PonderStoreProvider} from "./store/PonderStoreContext";
import "./styles.css";
import {applyTheme, followSystemTheme} from "./theme";

applyTheme();
followSystemTheme();

const connection = connectPonder();
const store = createPonderStore(connection.api, window.ponderFiles);
attachConnection(store, connection, chatIdFromLocation());
syncChatLocation(store);

function applyLanguageToDocument() {
    document.documentElement.lang = i18n.language;
    document.title = i18n.t("app.name");
}
applyLanguageToDocument();
i18n.on("languageChanged", applyLanguageToDocument);

const root = document.getElementById("root");
if (root == null)
    throw new Error("index.html has no #root");

// Once the first screen is up and the thread is idle, so that it delays nothing the user sees
// (Safari, which may open `serve`, has no requestIdleCallback).
if (typeof requestIdleCallback === "function")
    requestIdleCallback(warmUpMarkdown, {timeout: 5000});
else
    setTimeout(warmUpMarkdown, 2000);

createRoot(root).render(
    <StrictMode>
        <PonderStoreProvider store={store}>
            <App />
        </PonderStoreProvider>
    </StrictMode>
);
