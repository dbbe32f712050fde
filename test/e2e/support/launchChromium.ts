import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {chromium, type BrowserContext} from "playwright-core";

export interface ChromiumSession {
    context: BrowserContext;
    close(): Promise<void>;
}

export interface LaunchChromiumOptions {
    /** The browser's language (navigator.languages), as the OS would set it; defaults to Chromium's own. */
    locale?: string;
}

/** Debian's Chromium, headless, with a fresh profile and no background traffic to the network. */
export async function launchChromium({locale}: LaunchChromiumOptions = {}): Promise<ChromiumSession> {
    const profile = mkdtempSync(path.join(tmpdir(), "ponder-chromium-"));
    const context = await chromium.launchPersistentContext(profile, {
        executablePath: process.env.PONDER_CHROMIUM ?? "/usr/bin/chromium",
        headless: true,
        viewport: {width: 1280, height: 860},
        locale,
        args: [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"
        ]
    });
    return {
        context,
        async close() {
            await context.close();
            rmSync(profile, {recursive: true, force: true});
        }
    };
}
