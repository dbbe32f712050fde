import type {Unsubscribe} from "../../../electron/contract";
import type {ConnectionStatus, PonderConnection} from "../bridge/PonderConnection";
import type {PonderStore} from "./createPonderStore";

/**
 * Feeds a connection's events into the store and reloads the state whenever the connection is
 * (re)established, since events may have been missed while it was down. On the first connect it
 * opens `initialChatId` (from the address), later it stays on the chat the user is in.
 */
export function attachConnection(store: PonderStore, connection: PonderConnection, initialChatId?: string): Unsubscribe {
    const state = store.getState;
    const {chats, models, engines, downloads, api, tools} = connection.api;
    let synced = false;

    function onStatus(status: ConnectionStatus): void {
        state().setConnection(status);
        if (status !== "connected")
            return;

        void state().resync(synced ? state().activeChatId : initialChatId);
        synced = true;
    }

    const unsubscribes = [
        chats.onDelta((delta) => state().applyDelta(delta)),
        chats.onMessageUpdated((message) => state().applyMessage(message)),
        chats.onToolCall((event) => state().applyToolCall(event)),
        chats.onSources((event) => state().applySources(event)),
        chats.onListChanged((change) => state().applyChatListChange(change)),
        models.onListChanged((files) => state().setModelFiles(files)),
        models.onStateChanged((runtime) => state().setRuntime(runtime)),
        engines.onListChanged((list) => state().setEngines(list)),
        api.onStateChanged((apiServer) => state().setApiServer(apiServer)),
        tools.onChanged((view) => state().setTools(view)),
        downloads.onChanged((list) => state().setDownloads(list)),
        connection.onStatusChange(onStatus)
    ];
    onStatus(connection.status);

    return () => {
        for (const unsubscribe of unsubscribes)
            unsubscribe();
    };
}
