import {spawn} from "node:child_process";
import {existsSync, readFileSync, readdirSync, rmSync} from "node:fs";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {electronExecutablePath, serveElectronMirror, type ElectronMirror} from "./support/electronMirror.ts";
import {freshClone} from "./support/freshClone.ts";

/*
 * A new user's first command, for real: `npm start` on a fresh clone, with Electron's download
 * served by a mirror on 127.0.0.1 whose "Electron" is a stand-in script (the real binary can't be
 * downloaded here). Starting also rebuilds better-sqlite3 for Electron (electron-builder
 * install-app-deps): the clone gets its own copy of it, and of Electron's package.
 */

interface Run {
    code: number | null;
    output: string;
}

interface StandInRecord {
    error?: string;
    args: string[];
    cwd: string;
    main: string;
    mainBuilt: boolean;
    pageUrl: string;
    pageStatus: number;
    title: string;
    scripts: {src: string; status: number; type: string; text: string}[];
}

const electronVersion = (JSON.parse(readFileSync("node_modules/electron/package.json", "utf8")) as {version: string}).version;
let clone: string;
let mirror: ElectronMirror;

/** Runs `npm start` in the clone as a user would, with Electron's download settings in the environment. */
function npmStart(environment: Record<string, string>): Promise<Run> {
    const env = {...process.env, ...environment};
    // Set by an outer electron-vite or Electron; a user's shell has none of them.
    for (const name of ["ELECTRON_RENDERER_URL", "ELECTRON_EXEC_PATH", "ELECTRON_RUN_AS_NODE", "ELECTRON_OVERRIDE_DIST_PATH"])
        delete env[name];
    const child = spawn("npm", ["start"], {cwd: clone, env, stdio: ["ignore", "pipe", "pipe"]});
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => output += chunk.toString());
    child.stderr.on("data", (chunk: Buffer) => output += chunk.toString());
    return new Promise((resolve) => child.once("close", (code) => resolve({code, output})));
}

function electronCache(): string {
    return path.join(path.dirname(clone), "electron-cache");
}

describe.skipIf(process.platform === "win32")("npm start on a fresh clone (POSIX: the stand-in Electron is a script, Windows needs a real electron.exe)", () => {
    beforeAll(async () => {
        mirror = await serveElectronMirror(electronVersion);
        clone = freshClone(["electron", "better-sqlite3"]);
    }, 120_000);

    afterAll(async () => {
        await mirror?.close();
        if (clone != null)
            rmSync(path.dirname(clone), {recursive: true, force: true});
    });

    test("when Electron can't be downloaded, it stops at once and says why and what to do", async () => {
        const run = await npmStart({
            // Nothing listens on the discard port: the same failure as a machine without a network.
            ELECTRON_MIRROR: "http://127.0.0.1:9/",
            electron_config_cache: electronCache()
        });
        expect(run.code, run.output).not.toBe(0);
        expect(run.output).toContain(`Ponder can't start without Electron ${electronVersion}'s binary, and downloading it failed`);
        expect(run.output).toContain("the mirror ELECTRON_MIRROR=http://127.0.0.1:9/");
        expect(run.output).toMatch(/Offline: connect to the internet/);
        expect(run.output).toMatch(/Behind a proxy: set HTTPS_PROXY .* ELECTRON_GET_USE_PROXY=1/);
        expect(run.output, "electron-vite never ran").not.toContain("Electron uninstall");
        expect(existsSync(path.join(clone, "out")), "nothing was built").toBe(false);
    }, 120_000);

    test("it fetches Electron from ELECTRON_MIRROR, builds the app, opens the renderer page and exits when Electron quits", async () => {
        const record = path.join(path.dirname(clone), "stand-in-electron.json");
        const run = await npmStart({
            ELECTRON_MIRROR: mirror.url,
            electron_use_remote_checksums: "1",
            electron_config_cache: electronCache(),
            STAND_IN_ELECTRON_RECORD: record
        });
        expect(run.code, run.output).toBe(0);

        // Fetched from the mirror, checked against the mirror's SHASUMS256.txt, kept in the cache set.
        expect(mirror.requests).toEqual(expect.arrayContaining([`/v${electronVersion}/${mirror.archiveName}`, `/v${electronVersion}/SHASUMS256.txt`]));
        expect(readdirSync(electronCache(), {recursive: true}).map(String).some((file) => file.endsWith(mirror.archiveName))).toBe(true);
        expect(readFileSync(path.join(clone, "node_modules/electron/path.txt"), "utf8")).toBe(electronExecutablePath(process.platform));

        const started = JSON.parse(readFileSync(record, "utf8")) as StandInRecord;
        expect(started.error).toBeUndefined();
        // Started on the app in the clone, whose main process electron-vite had built.
        expect(started.cwd).toBe(clone);
        expect(started.args[0]).toBe(".");
        expect(started.main).toBe("out/main/main.js");
        expect(started.mainBuilt).toBe(true);
        expect(existsSync(path.join(clone, "out/preload/preload.cjs"))).toBe(true);
        // Pointed at the dev server's renderer page, which it was shown, scripts compiled.
        expect(started.pageUrl).toMatch(/^http:\/\/(localhost|127\.0\.0\.1|\[::1\]):\d+\/?$/);
        expect(started.pageStatus).toBe(200);
        expect(started.title).toBe("Ponder");
        const entry = started.scripts.find((script) => script.src.endsWith("main.tsx"));
        expect(entry, JSON.stringify(started.scripts.map((script) => script.src))).toBeDefined();
        expect(entry!.status).toBe(200);
        expect(entry!.type).toMatch(/javascript/);
        expect(entry!.text).toContain("createRoot");
    }, 900_000);
});
