import path from "node:path";
import {app, BrowserWindow, Menu, session, shell, type WebContents} from "electron";
import {PonderCore} from "./core/PonderCore.ts";
import {serveContractOverIpc} from "./ipc.ts";

// Everything the window does goes through the contract; the window itself gets no privileges.
const rendererDevUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const rendererFile = path.join(import.meta.dirname, "../renderer/index.html");

function isAppUrl(url: string): boolean {
    if (rendererDevUrl != null)
        return url.startsWith(rendererDevUrl);
    return url.startsWith("file://") && decodeURIComponent(new URL(url).pathname).endsWith("/renderer/index.html");
}

function hardenContents(contents: WebContents) {
    contents.on("will-navigate", (event, url) => {
        if (!isAppUrl(url))
            event.preventDefault();
    });
    contents.on("will-attach-webview", (event) => event.preventDefault());
    contents.setWindowOpenHandler(({url}) => {
        // Links in answers open in the user's browser, never inside Ponder.
        if (/^https?:\/\//i.test(url))
            void shell.openExternal(url);
        return {action: "deny"};
    });
}

function createWindow(core: PonderCore) {
    const window = new BrowserWindow({
        width: 1200,
        height: 820,
        minWidth: 720,
        minHeight: 480,
        title: "Ponder",
        show: false,
        webPreferences: {
            preload: path.join(import.meta.dirname, "../preload/preload.cjs"),
            contextIsolation: true,
            sandbox: true,
            nodeIntegration: false,
            webSecurity: true,
            spellcheck: false
        }
    });
    const detach = serveContractOverIpc(core, window.webContents, isAppUrl);
    window.on("closed", detach);
    window.once("ready-to-show", () => window.show());
    if (rendererDevUrl != null)
        void window.loadURL(rendererDevUrl);
    else
        void window.loadFile(rendererFile);
}

async function start() {
    if (!app.requestSingleInstanceLock()) {
        app.quit();
        return;
    }
    await app.whenReady();
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    app.on("web-contents-created", (_event, contents) => hardenContents(contents));
    Menu.setApplicationMenu(Menu.buildFromTemplate([
        ...(process.platform === "darwin" ? [{role: "appMenu" as const}] : []),
        {role: "fileMenu"},
        {role: "editMenu"},
        {role: "viewMenu"},
        {role: "windowMenu"}
    ]));

    const core = await PonderCore.create({dataDir: app.getPath("userData"), shell: "desktop", version: app.getVersion()});
    createWindow(core);
    app.on("second-instance", () => BrowserWindow.getAllWindows()[0]?.focus());
    app.on("activate", () => {
        if (BrowserWindow.getAllWindows().length === 0)
            createWindow(core);
    });
    app.on("window-all-closed", () => {
        if (process.platform !== "darwin")
            app.quit();
    });
    let disposed = false;
    app.on("before-quit", (event) => {
        if (disposed)
            return;
        // Save any streaming reply and free the model before the process ends.
        event.preventDefault();
        void core.dispose().finally(() => {
            disposed = true;
            app.quit();
        });
    });
}

void start();
