import {EventEmitter} from "node:events";

/*
 * Electron's binary can't run here, so the security test runs the real built main process
 * (out/main/main.js) against this stand-in for the `electron` module. It implements only the
 * API surface main.ts touches and records every security-relevant call, so the test can then
 * fire the same events Electron would (a navigation, a window.open, a permission request, an
 * IPC message from a foreign frame) at the handlers main.ts registered.
 */

export interface FakeFrame {
    url: string;
}

export class FakeWebContents extends EventEmitter {
    readonly mainFrame: FakeFrame = {url: ""};
    /** What main sent to this page; the test's renderer side of the IPC channel listens here. */
    onSend?: (channel: string, data: unknown) => void;
    windowOpenHandler?: (details: {url: string}) => {action: "allow" | "deny"};

    setWindowOpenHandler(handler: (details: {url: string}) => {action: "allow" | "deny"}) {
        this.windowOpenHandler = handler;
    }

    send(channel: string, data: unknown) {
        this.onSend?.(channel, data);
    }

    isDestroyed() {
        return false;
    }
}

export function createFakeElectron(initialUserDataDir: string) {
    let userDataDir = initialUserDataDir;
    const app = Object.assign(new EventEmitter(), {
        isPackaged: true,
        singleInstanceLockRequested: false,
        quitCalls: 0,
        getPath: (name: string) => {
            if (name !== "userData")
                throw new Error(`main.ts asked for an unexpected path: ${name}`);
            return userDataDir;
        },
        setPath: (name: string, value: string) => {
            if (name !== "userData")
                throw new Error(`main.ts set an unexpected path: ${name}`);
            userDataDir = value;
        },
        getVersion: () => "0.0.0-test",
        getLocale: () => "en-US",
        requestSingleInstanceLock() {
            app.singleInstanceLockRequested = true;
            return true;
        },
        whenReady: () => Promise.resolve(),
        quit() {
            app.quitCalls++;
        }
    });

    const permissions: {
        requestHandler?: (contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void,
        checkHandler?: (contents: unknown, permission: string, origin: string, details: unknown) => boolean
    } = {};
    const session = {
        defaultSession: {
            setPermissionRequestHandler: (handler: typeof permissions.requestHandler) => void (permissions.requestHandler = handler),
            setPermissionCheckHandler: (handler: typeof permissions.checkHandler) => void (permissions.checkHandler = handler)
        }
    };

    const windows: FakeBrowserWindow[] = [];
    class FakeBrowserWindow extends EventEmitter {
        readonly webContents = new FakeWebContents();
        loadedFile?: string;
        loadedUrl?: string;

        constructor(readonly options: {webPreferences?: Record<string, unknown>} & Record<string, unknown>) {
            super();
            windows.push(this);
            // Electron announces every new webContents on the app before anything loads in it.
            app.emit("web-contents-created", {}, this.webContents);
        }

        /** The window a dialog is shown on; the first window stands for the focused one. */
        static getFocusedWindow() {
            return windows[0] ?? null;
        }

        static getAllWindows() {
            return [...windows];
        }

        async loadFile(file: string) {
            this.loadedFile = file;
            this.webContents.mainFrame.url = new URL(`file://${file}`).href;
        }

        async loadURL(url: string) {
            this.loadedUrl = url;
            this.webContents.mainFrame.url = url;
        }

        show() {}
        focus() {}
    }

    const ipcListeners = new Map<string, Set<(event: unknown, data: unknown) => void>>();
    const ipcMain = {
        on(channel: string, listener: (event: unknown, data: unknown) => void) {
            if (!ipcListeners.has(channel))
                ipcListeners.set(channel, new Set());
            ipcListeners.get(channel)!.add(listener);
        },
        removeListener(channel: string, listener: (event: unknown, data: unknown) => void) {
            ipcListeners.get(channel)?.delete(listener);
        },
        handle() {
            throw new Error("Ponder's contract goes over one channel with birpc; ipcMain.handle is not expected.");
        }
    };

    const openedExternally: string[] = [];
    const shell = {
        openExternal: async (url: string) => void openedExternally.push(url),
        showItemInFolder: (fullPath: string) => void openedExternally.push(`reveal:${fullPath}`)
    };

    const safeStorage = {
        isEncryptionAvailable: () => false,
        getSelectedStorageBackend: () => "basic_text",
        encryptString: () => {
            throw new Error("No keychain in the test.");
        },
        decryptString: () => {
            throw new Error("No keychain in the test.");
        }
    };

    const Menu = {
        buildFromTemplate: (template: unknown[]) => ({template}),
        setApplicationMenu: () => {}
    };

    /** The options of every open dialog main showed; each answers with the next of `openDialogAnswers`, or is cancelled. */
    const openDialogs: Array<{properties?: string[]; filters?: unknown[]}> = [];
    const openDialogAnswers: string[][] = [];
    const dialog = {
        showOpenDialog: async (...args: unknown[]) => {
            // (options) or (window, options), as Electron takes them.
            openDialogs.push(args.at(-1) as (typeof openDialogs)[number]);
            const filePaths = openDialogAnswers.shift();
            return filePaths == null ? {canceled: true, filePaths: []} : {canceled: false, filePaths};
        }
    };

    return {
        module: {app, session, BrowserWindow: FakeBrowserWindow, ipcMain, shell, safeStorage, Menu, dialog},
        app,
        windows,
        permissions,
        ipcListeners,
        openedExternally,
        openDialogs,
        openDialogAnswers
    };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
