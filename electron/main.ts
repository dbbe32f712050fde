import {existsSync} from "node:fs";
import path from "node:path";
import {app, BrowserWindow, dialog, Menu, safeStorage, session, shell, type WebContents} from "electron";
import {PonderError} from "./contract/errors.ts";
import type {SecretStore} from "./core/engines/SecretStore.ts";
import {PonderCore} from "./core/PonderCore.ts";
import {parseDesktopFlags, resolveModelPath} from "./core/startupFlags.ts";
import {keepRunningOnUnexpectedErrors} from "./server/keepRunningOnUnexpectedErrors.ts";
import {startOpenAiServer} from "./server/openai/startOpenAiServer.ts";
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

/** Remote engines' API keys go to the OS keychain (Keychain, DPAPI, libsecret/kwallet), never to disk in plain text. */
const keychain: SecretStore = {
    protection: "os-keychain",
    seal(secret) {
        // On Linux without a keyring, safeStorage falls back to a hard-coded key: that is plain text in disguise.
        if (!safeStorage.isEncryptionAvailable() || (process.platform === "linux" && safeStorage.getSelectedStorageBackend() === "basic_text"))
            throw new PonderError("engine.noKeychain");
        return safeStorage.encryptString(secret).toString("base64");
    },
    open: (sealed) => safeStorage.decryptString(Buffer.from(sealed, "base64"))
};

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
            // Middle-click would otherwise bypass the window-open handler on some links.
            disableBlinkFeatures: "Auxclick",
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

/**
 * electron-builder writes app-update.yml into the package only when a release is built with a
 * publish feed (see README, "Releases"). Without one Ponder never contacts an update server, and
 * electron-updater isn't even loaded.
 */
async function checkForUpdates() {
    const feed = path.join(process.resourcesPath, "app-update.yml");
    if (!app.isPackaged || !existsSync(feed))
        return;
    const {autoUpdater} = (await import("electron-updater")).default;
    // Downloads in the background and installs on quit, with the OS notification electron-updater shows.
    await autoUpdater.checkForUpdatesAndNotify();
}

/** The system's open dialog, on the focused window when there is one; cancelled, no paths. */
async function pickPaths(options: Electron.OpenDialogOptions): Promise<string[]> {
    const window = BrowserWindow.getFocusedWindow();
    const {canceled, filePaths} = await (window == null ? dialog.showOpenDialog(options) : dialog.showOpenDialog(window, options));
    return canceled ? [] : filePaths;
}

async function start() {
    // `--data-dir`, `--models-dir`, `--model` as in `serve`; a data folder of its own is also an instance of its own.
    const locations = parseDesktopFlags(process.argv.slice(app.isPackaged ? 1 : 2));
    if (locations.dataDir != null)
        app.setPath("userData", locations.dataDir);
    if (!app.requestSingleInstanceLock()) {
        app.quit();
        return;
    }
    await app.whenReady();
    // Everything is denied but writing text to the clipboard ("Copy answer"), which Chromium
    // allows only from a user gesture and sanitizes.
    session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(permission === "clipboard-sanitized-write"));
    session.defaultSession.setPermissionCheckHandler((_contents, permission) => permission === "clipboard-sanitized-write");
    app.on("web-contents-created", (_event, contents) => hardenContents(contents));
    Menu.setApplicationMenu(Menu.buildFromTemplate([
        ...(process.platform === "darwin" ? [{role: "appMenu" as const}] : []),
        {role: "fileMenu"},
        {role: "editMenu"},
        {role: "viewMenu"},
        {role: "windowMenu"}
    ]));

    const core = await PonderCore.create({
        dataDir: app.getPath("userData"),
        modelsDir: locations.modelsDir,
        shell: "desktop",
        version: app.getVersion(),
        shellVersions: {electron: process.versions.electron, chromium: process.versions.chrome},
        secrets: keychain,
        desktop: {
            reveal: (filePath) => shell.showItemInFolder(filePath),
            pickModelFiles: () => pickPaths({properties: ["openFile", "multiSelections"], filters: [{name: "GGUF", extensions: ["gguf"]}]}),
            // Any file: the core reads what it can and refuses the rest with its reason.
            pickDocuments: () => pickPaths({properties: ["openFile", "multiSelections"]}),
            async openFolder(dir) {
                const failure = await shell.openPath(dir);
                if (failure !== "")
                    throw new Error(failure);
            },
            pickFolder: async () => (await pickPaths({properties: ["openDirectory", "createDirectory"]}))[0] ?? null
        }
    });
    // Chats and the Local API live in this process: an error nobody caught is logged, not fatal.
    keepRunningOnUnexpectedErrors(core.logger.scoped("process"));
    // The local API server starts here if the user switched it on (a failure shows in its setting).
    void core.api.useLauncher(startOpenAiServer);
    createWindow(core);
    // A model that fails to load says why in the window, as one picked there would.
    if (locations.model != null)
        void core.loadModelFile(resolveModelPath(locations.model, core.library.modelsDir));
    // An offline machine or an unreachable feed is normal for a local-first app: no error dialog.
    checkForUpdates().catch((error: unknown) => core.logger.scoped("updates").warn("The update check failed", {cause: error}));
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
