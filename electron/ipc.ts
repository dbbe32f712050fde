import {ipcMain, type IpcMainEvent, type WebContents} from "electron";
import {ipcChannel} from "./contract/values.ts";
import {attachRpcPeer, type RpcPeerSource} from "./core/rpc/attachRpcPeer.ts";

/**
 * Serves the contract to one window over Electron IPC. Only messages from that window's own
 * main frame, showing our own page, are read: anything else (another window, an iframe, a
 * page navigated elsewhere) is ignored.
 */
export function serveContractOverIpc(source: RpcPeerSource, contents: WebContents, isAppUrl: (url: string) => boolean): () => void {
    let listener: ((event: IpcMainEvent, data: unknown) => void) | undefined;
    const isTrustedSender = (event: IpcMainEvent) =>
        event.sender === contents &&
        event.senderFrame != null &&
        event.senderFrame === contents.mainFrame &&
        isAppUrl(event.senderFrame.url);
    return attachRpcPeer(source, {
        post: (data) => {
            if (!contents.isDestroyed())
                contents.send(ipcChannel, data);
        },
        on: (receive) => {
            listener = (event, data) => {
                if (isTrustedSender(event))
                    receive(data);
                else
                    source.logger.warn("Ignored a message from an untrusted sender", {
                        ownWindow: event.sender === contents,
                        mainFrame: event.senderFrame != null && event.senderFrame === contents.mainFrame,
                        url: event.senderFrame?.url ?? null
                    });
            };
            ipcMain.on(ipcChannel, listener);
        },
        off: () => {
            if (listener != null)
                ipcMain.removeListener(ipcChannel, listener);
        }
    });
}
