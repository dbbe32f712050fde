import type {PonderApi, PonderFiles} from "../../../electron/contract";
import type {PonderConnection} from "./PonderConnection";
import {WebSocketBridge} from "./WebSocketBridge";

declare global {
    interface Window {
        /** Exposed by the preload inside Electron; absent in a browser (headless mode). */
        readonly ponder?: PonderApi;
        /** Exposed by the preload inside Electron: a dropped or picked file's path, to attach it by path. */
        readonly ponderFiles?: PonderFiles;
    }
}

const tokenStorageKey = "ponder.token";

/** Electron's preload API when there is one, otherwise the WebSocket bridge to the page's own server. */
export function connectPonder(): PonderConnection {
    if (window.ponder != null)
        return {
            api: window.ponder,
            // IPC to our own main process doesn't drop.
            status: "connected",
            onStatusChange: () => () => {},
            dispose: () => {}
        };

    return new WebSocketBridge({url: rpcUrl()});
}

/**
 * `ws(s)://<this host>/rpc?token=…`. The token comes from the page's `?token=` once, is kept in
 * sessionStorage so a reload still works, and is removed from the address bar so it doesn't end
 * up in history or screenshots.
 */
function rpcUrl(): string {
    const pageUrl = new URL(window.location.href);
    const tokenInUrl = pageUrl.searchParams.get("token");
    if (tokenInUrl != null) {
        sessionStorage.setItem(tokenStorageKey, tokenInUrl);
        pageUrl.searchParams.delete("token");
        window.history.replaceState(window.history.state, "", pageUrl);
    }

    const token = tokenInUrl ?? sessionStorage.getItem(tokenStorageKey);
    const url = new URL("/rpc", pageUrl);
    url.protocol = pageUrl.protocol === "https:" ? "wss:" : "ws:";
    if (token != null)
        url.searchParams.set("token", token);

    return url.href;
}
