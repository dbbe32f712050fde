import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {setImmediate as afterPendingCalls} from "node:timers/promises";
import path from "node:path";
import {createBirpc} from "birpc";
import {afterAll, beforeAll, describe, expect, test, vi} from "vitest";
import type {MainFunctions, RendererFunctions} from "../../../electron/contract.ts";
import {ipcChannel} from "../../../electron/contract/values.ts";
import {FakeWebContents, type FakeElectron} from "./support/createFakeElectron.ts";

/*
 * Electron's security checklist, checked against the real main process: the built
 * out/main/main.js runs here with a recording stand-in for the `electron` module (the binary
 * can't run on this machine), and the test fires at its handlers what Electron would.
 */

const mainBundle = path.resolve("out/main/main.js");

const fakeElectron = vi.hoisted(async () => {
    const {createFakeElectron} = await import("./support/createFakeElectron.ts");
    const {mkdtempSync: makeTempDir} = await import("node:fs");
    const {tmpdir} = await import("node:os");
    const {join} = await import("node:path");
    return createFakeElectron(makeTempDir(join(tmpdir(), "ponder-main-security-")));
});
vi.mock("electron", async () => (await fakeElectron).module);

const updater = vi.hoisted(() => ({imported: false}));
vi.mock("electron-updater", () => {
    updater.imported = true;
    return {default: {autoUpdater: {checkForUpdatesAndNotify: async () => null}}};
});

let electron: FakeElectron;
/** The process-wide error handlers before main.ts ran (the test runner has its own). */
const listenersBeforeMain: {uncaught: unknown[]; rejection: unknown[]} = {uncaught: [], rejection: []};
const userDataDirs: string[] = [];

function windowOf(electronFake: FakeElectron) {
    const window = electronFake.windows[0];
    if (window == null)
        throw new Error("main.ts created no window.");
    return window;
}

function navigationEvent() {
    return {preventDefault: vi.fn()};
}

beforeAll(async () => {
    if (!existsSync(mainBundle))
        throw new Error("out/main/main.js is missing: run `npm run build` first (npm test does).");
    electron = await fakeElectron;
    userDataDirs.push(electron.app.getPath("userData"));
    // Started as a test or a script starts it: its own data and models folders, a model to load.
    const flagsDir = electron.app.getPath("userData");
    mkdirSync(path.join(flagsDir, "models"));
    writeFileSync(path.join(flagsDir, "models", "broken.gguf"), "not a GGUF model");
    process.argv.push("--data-dir", path.join(flagsDir, "data"), "--models-dir", path.join(flagsDir, "models"), "--model", "broken.gguf");
    // A packaged app must ignore a dev-server address even if the environment sets one.
    process.env.ELECTRON_RENDERER_URL = "http://attacker.example/";
    // Electron's resources folder; this build has no update feed (app-update.yml) in it.
    Object.assign(process, {resourcesPath: electron.app.getPath("userData")});
    listenersBeforeMain.uncaught = process.listeners("uncaughtException");
    listenersBeforeMain.rejection = process.listeners("unhandledRejection");
    await import(/* @vite-ignore */ mainBundle);
    await vi.waitFor(() => windowOf(electron), {timeout: 30_000});
}, 60_000);

afterAll(async () => {
    // Quitting goes through main's own before-quit path, which saves and frees the core.
    const event = navigationEvent();
    electron.app.emit("before-quit", event);
    await vi.waitFor(() => expect(electron.app.quitCalls).toBeGreaterThan(0), {timeout: 30_000});
    delete process.env.ELECTRON_RENDERER_URL;
    for (const dir of userDataDirs)
        rmSync(dir, {recursive: true, force: true});
});

test("the desktop app takes serve's --data-dir, --models-dir and --model", async () => {
    const flagsDir = userDataDirs[0]!;
    // The data folder is Electron's user-data folder too, so this is an instance of its own.
    expect(electron.app.getPath("userData")).toBe(path.join(flagsDir, "data"));
    expect(existsSync(path.join(flagsDir, "data", "ponder.db"))).toBe(true);
    const log = () => readFileSync(path.join(flagsDir, "data", "logs", "ponder.log"), "utf8");
    await vi.waitFor(() => expect(log()).toContain("Model failed to load"), {timeout: 30_000});
    expect(log()).toContain(path.join(flagsDir, "models", "broken.gguf"));
});

describe("the main process follows Electron's security checklist", () => {
    test("an error nobody caught is logged, to the log file too, and the app keeps running", () => {
        const uncaught = process.listeners("uncaughtException").filter((listener) => !listenersBeforeMain.uncaught.includes(listener));
        const rejection = process.listeners("unhandledRejection").filter((listener) => !listenersBeforeMain.rejection.includes(listener));
        expect(uncaught).toHaveLength(1);
        expect(rejection).toHaveLength(1);
        const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
        try {
            uncaught[0]!(new Error("thrown while serving a client"), "uncaughtException");
            rejection[0]!(new Error("rejected with nobody listening"), Promise.resolve());
            expect(logged.mock.calls.map((call) => String(call[0]))).toEqual([
                expect.stringContaining("keeps running"), expect.stringContaining("keeps running")
            ]);
        } finally {
            logged.mockRestore();
        }
        const logFile = readFileSync(path.join(electron.app.getPath("userData"), "logs", "ponder.log"), "utf8");
        expect(logFile).toContain("thrown while serving a client");
        expect(logFile).toContain("rejected with nobody listening");
    });

    test("no update server is contacted while the build has no update feed", () => {
        expect(updater.imported).toBe(false);
    });

    test("one instance; the window isolates the page from Node", () => {
        expect(electron.app.singleInstanceLockRequested).toBe(true);
        const preferences = windowOf(electron).options.webPreferences ?? {};
        expect(preferences).toMatchObject({contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true});
        for (const risky of ["nodeIntegrationInWorker", "nodeIntegrationInSubFrames", "allowRunningInsecureContent", "experimentalFeatures", "enableBlinkFeatures", "webviewTag"])
            expect(preferences[risky], risky).toBeFalsy();
        expect(existsSync(String(preferences.preload)), "the preload main points at is built").toBe(true);
    });

    test("only the bundled page is loaded, under a strict Content-Security-Policy", () => {
        const window = windowOf(electron);
        expect(window.loadedUrl, "no remote or dev-server content in a packaged app").toBeUndefined();
        expect(window.loadedFile).toBe(path.resolve("out/renderer/index.html"));

        const html = readFileSync(window.loadedFile!, "utf8");
        const policy = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
        expect(policy).toBeDefined();
        const directives = new Map(policy!.split(";").map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
        expect(directives.get("default-src")).toEqual(["'self'"]);
        expect(directives.get("script-src")).toEqual(["'self'"]);
        expect(directives.get("object-src")).toEqual(["'none'"]);
        expect(directives.get("base-uri")).toEqual(["'none'"]);
        expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
        expect(html, "no script from elsewhere").not.toMatch(/<script[^>]+src="(https?:)?\/\//);
    });

    test("navigation away from the app and <webview> are blocked, in every web contents", () => {
        const window = windowOf(electron);
        // Any web contents, not only the first window's, gets the same handlers.
        const other = new FakeWebContents();
        electron.app.emit("web-contents-created", {}, other);

        for (const contents of [window.webContents, other]) {
            for (const url of ["https://attacker.example/", "file:///etc/passwd", "javascript:alert(1)", "http://127.0.0.1:8757/"]) {
                const event = navigationEvent();
                contents.emit("will-navigate", event, url);
                expect(event.preventDefault, url).toHaveBeenCalled();
            }
            const webview = navigationEvent();
            contents.emit("will-attach-webview", webview, {}, {});
            expect(webview.preventDefault).toHaveBeenCalled();
        }

        const reload = navigationEvent();
        window.webContents.emit("will-navigate", reload, window.webContents.mainFrame.url);
        expect(reload.preventDefault, "the app may reload itself").not.toHaveBeenCalled();
    });

    test("window.open never opens a window; only http(s) links go to the system browser", () => {
        const handler = windowOf(electron).webContents.windowOpenHandler;
        expect(handler).toBeDefined();
        const before = electron.openedExternally.length;
        for (const url of ["https://example.com/paper", "http://example.com/"])
            expect(handler!({url})).toEqual({action: "deny"});
        for (const url of ["javascript:alert(1)", "file:///etc/passwd", "smb://attacker.example/share", "ms-msdt:/id", "data:text/html,<script>alert(1)</script>"])
            expect(handler!({url})).toEqual({action: "deny"});
        expect(electron.openedExternally.slice(before)).toEqual(["https://example.com/paper", "http://example.com/"]);
    });

    test("permission requests and checks are denied, but for sanitized clipboard writes", () => {
        const {requestHandler, checkHandler} = electron.permissions;
        expect(requestHandler).toBeDefined();
        expect(checkHandler).toBeDefined();
        for (const permission of ["media", "geolocation", "notifications", "midi", "midiSysex", "pointerLock", "fullscreen", "openExternal", "clipboard-read", "display-capture", "hid", "serial", "usb", "idle-detection", "storage-access"]) {
            const callback = vi.fn();
            requestHandler!({}, permission, callback, {});
            expect(callback, permission).toHaveBeenCalledWith(false);
            expect(checkHandler!({}, permission, "file://", {}), permission).toBe(false);
        }
        const clipboard = vi.fn();
        requestHandler!({}, "clipboard-sanitized-write", clipboard, {});
        expect(clipboard).toHaveBeenCalledWith(true);
    });

    test("the contract answers only the window's own main frame showing the app", async () => {
        const window = windowOf(electron);
        const listeners = [...electron.ipcListeners.get(ipcChannel) ?? []];
        expect(listeners).toHaveLength(1);
        const receiveInMain = listeners[0]!;

        const appFrame = window.webContents.mainFrame;
        const answered: string[] = [];
        let deliver: ((data: unknown) => void) | undefined;
        window.webContents.onSend = (channel, data) => {
            expect(channel).toBe(ipcChannel);
            deliver?.(data);
        };
        function clientFrom(sender: () => {sender: unknown, senderFrame: unknown}) {
            return createBirpc<MainFunctions, RendererFunctions>({} as RendererFunctions, {
                post: (data) => receiveInMain(sender(), data),
                on: (receive) => {
                    const previous = deliver;
                    deliver = (data) => {
                        receive(data);
                        previous?.(data);
                    };
                },
                timeout: -1
            });
        }

        const foreignWindow = clientFrom(() => ({sender: new FakeWebContents(), senderFrame: appFrame}));
        const subFrame = clientFrom(() => ({sender: window.webContents, senderFrame: {url: appFrame.url}}));
        const trusted = clientFrom(() => ({sender: window.webContents, senderFrame: appFrame}));

        void foreignWindow.$call("app.getInfo", undefined).then(() => answered.push("foreign window"));
        void subFrame.$call("app.getInfo", undefined).then(() => answered.push("subframe"));
        const appUrl = appFrame.url;
        appFrame.url = "https://attacker.example/";
        void trusted.$call("app.getInfo", undefined).then(() => answered.push("navigated away"));
        await afterPendingCalls();
        appFrame.url = appUrl;

        // Requests are served in order, so once the app's own request is answered, the ones before it would have been.
        const info = await trusted.$call("app.getInfo", undefined);
        expect(info.shell).toBe("desktop");
        expect(answered).toEqual([]);
        // Each dropped message leaves a trace in the log, for a report of a window that "does nothing".
        const log = readFileSync(path.join(electron.app.getPath("userData"), "logs", "ponder.log"), "utf8");
        expect(log.match(/WARN  \[core\] Ignored a message from an untrusted sender/g)).toHaveLength(3);
        expect(log).toContain(`url="https://attacker.example/"`);

        await expect(trusted.$call("chats.get", {chatId: 42} as never), "arguments are validated").rejects.toThrow();
    });
});

describe("the desktop app reads attachments in its main process", () => {
    test("the paperclip's open dialog picks any files, several at once; a picked or dropped path is read and stored there", async () => {
        const window = windowOf(electron);
        const receiveInMain = [...electron.ipcListeners.get(ipcChannel) ?? []][0]!;
        let deliver: ((data: unknown) => void) | undefined;
        window.webContents.onSend = (_channel, data) => deliver?.(data);
        const page = createBirpc<MainFunctions, RendererFunctions>({} as RendererFunctions, {
            post: (data) => receiveInMain({sender: window.webContents, senderFrame: window.webContents.mainFrame}, data),
            on: (receive) => void (deliver = receive),
            timeout: -1
        });

        const paper = path.join(electron.app.getPath("userData"), "paper.md");
        writeFileSync(paper, "# Results\n\nThe method halves the error.\n");
        electron.openDialogAnswers.push([paper]);
        expect(await page.$call("attachments.pick", undefined)).toEqual([paper]);
        expect(electron.openDialogs.at(-1)).toEqual({properties: ["openFile", "multiSelections"]});
        expect(await page.$call("attachments.pick", undefined), "cancelled: nothing").toEqual([]);

        const attachment = await page.$call("attachments.addPath", {path: paper});
        expect(attachment).toMatchObject({name: "paper.md", kind: "text", sizeBytes: 40});
        expect(existsSync(path.join(electron.app.getPath("userData"), "attachments", `${attachment.id}.json`))).toBe(true);
    });
});
