import {copyFileSync, mkdirSync, mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import type {Page} from "playwright-core";
import {afterAll, beforeAll} from "vitest";
import {ensureFixtureModels, type FixtureModels} from "../../fixtures/models/fixtureModels.ts";
import {launchChromium, type ChromiumSession} from "./launchChromium.ts";
import {startServe, type RunningServe} from "./startServe.ts";

export interface OpenPonderOptions {
    /** The models folder's files: a name and the file to copy there, or a function that writes it. */
    models?: Record<string, string | ((filePath: string) => Promise<void>)>;
    /** `--model`: a file name in the models folder to load at start. */
    model?: string;
    serveArgs?: string[];
    /** Browser permissions granted to Ponder's page, e.g. the clipboard's. */
    permissions?: string[];
    /** The browser's language, as the OS would set it. */
    locale?: string;
}

export interface PonderSession {
    dir: string;
    modelsDir: string;
    dataDir: string;
    /** Replaced by {@link restartServe}. */
    serve: RunningServe;
    browser: ChromiumSession;
    page: Page;
    /** Stops `serve` gracefully and starts it again on the same port and data. */
    restartServe(whileStopped?: () => Promise<void>): Promise<void>;
    close(): Promise<void>;
}

/** The real `serve` on a fresh data folder with the given models, and a Chromium page on it. */
export async function openPonder(options: OpenPonderOptions = {}): Promise<PonderSession> {
    const dir = mkdtempSync(path.join(tmpdir(), "ponder-e2e-"));
    const modelsDir = path.join(dir, "models");
    const dataDir = path.join(dir, "data");
    mkdirSync(modelsDir);
    for (const [name, source] of Object.entries(options.models ?? {})) {
        if (typeof source === "string")
            copyFileSync(source, path.join(modelsDir, name));
        else
            await source(path.join(modelsDir, name));
    }
    const start = (port?: number) => startServe({dataDir, modelsDir, model: options.model, port, extraArgs: options.serveArgs});
    const serve = await start();
    const browser = await launchChromium({locale: options.locale});
    if (options.permissions != null)
        await browser.context.grantPermissions(options.permissions, {origin: new URL(serve.url).origin});
    const page = await browser.context.newPage();
    await page.goto(serve.url);

    const session: PonderSession = {
        dir, modelsDir, dataDir, serve, browser, page,
        async restartServe(whileStopped) {
            const port = Number(new URL(session.serve.url).port);
            await session.serve.stop();
            await whileStopped?.();
            session.serve = await start(port);
        },
        async close() {
            await browser.close();
            await session.serve.stop();
            rmSync(dir, {recursive: true, force: true});
        }
    };
    return session;
}

/**
 * One Ponder for a suite: opened before its tests (the file's, or the `describe`'s it is called
 * in) with the options `optionsFor` makes of the fixture models, handed to `opened`, and closed after them.
 */
export function openPonderForSuite(optionsFor: (fixtures: FixtureModels) => OpenPonderOptions, opened: (session: PonderSession) => void): void {
    let session: PonderSession | undefined;
    beforeAll(async () => {
        session = await openPonder(optionsFor(await ensureFixtureModels()));
        opened(session);
    });
    afterAll(async () => {
        await session?.close();
    });
}
