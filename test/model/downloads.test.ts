import {spawn} from "node:child_process";
import {existsSync, mkdtempSync, readdirSync, rmSync, statSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {createInterface} from "node:readline";
import {fileURLToPath} from "node:url";
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, test} from "vitest";
import type {Download} from "../../electron/contract.ts";
import {DownloadManager, type DownloadManagerOptions} from "../../electron/core/downloads/DownloadManager.ts";
import {DownloadRepository} from "../../electron/core/downloads/DownloadRepository.ts";
import {readCatalog} from "../../electron/core/downloads/readCatalog.ts";
import {EventBus} from "../../electron/core/events/EventBus.ts";
import {openDatabase, type PonderDatabase} from "../../electron/core/store/openDatabase.ts";
import {FakeHub, sha256Of} from "../fixtures/hub/FakeHub.ts";
import {copyFixtureModels} from "../fixtures/models/copyFixtureModels.ts";
import type {FixtureModels} from "../fixtures/models/fixtureModels.ts";
import {describeFailure} from "../../electron/contract/errors.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const repo = "ponder-tests/Tiny-Thinker-GGUF";

let fixtures: FixtureModels;
let fixturesDir: string;
let hub: FakeHub;
let dir: string;
let modelsDir: string;
let dbPath: string;
let opened: Array<{db: PonderDatabase; manager: DownloadManager}> = [];
let sizeBytes: number;

beforeAll(async () => {
    fixturesDir = mkdtempSync(path.join(tmpdir(), "ponder-download-fixtures-"));
    fixtures = await copyFixtureModels(fixturesDir);
    sizeBytes = statSync(fixtures.prefilled).size;
    hub = await FakeHub.start();
    await hub.addFile(repo, "tiny-thinker-q4_k_m.gguf", fixtures.prefilled);
    await hub.addFile(repo, "tiny-thinker-q8_0.gguf", fixtures.writesThink, "0".repeat(64));
    await hub.addFile(repo, "split/tiny-thinker-f16-00001-of-00002.gguf", fixtures.endless);
    await hub.addFile(repo, "split/tiny-thinker-f16-00002-of-00002.gguf", fixtures.endlessWritesThink);
});

afterAll(async () => {
    await hub?.close();
    rmSync(fixturesDir, {recursive: true, force: true});
});

beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "ponder-downloads-"));
    modelsDir = path.join(dir, "models");
    dbPath = path.join(dir, "ponder.db");
    hub.bytesPerSecond = null;
    hub.treePageSize = 1000;
    hub.redirectFiles = false;
    hub.requests.length = 0;
});

afterEach(async () => {
    for (const {db, manager} of opened) {
        await manager.dispose();
        db.close();
    }
    opened = [];
    rmSync(dir, {recursive: true, force: true});
});

async function openManager(options: DownloadManagerOptions = {}) {
    const db = openDatabase(dbPath);
    const events = new EventBus();
    const changes: Download[][] = [];
    events.on((event, payload) => {
        if (event === "downloads.changed")
            changes.push(payload as Download[]);
    });
    const manager = new DownloadManager(new DownloadRepository(db), modelsDir, readCatalog(), events, {hubUrl: hub.url, reserveBytes: 0, backoffMs: 10, ...options});
    opened.push({db, manager});
    await manager.start();
    return {manager, changes, db};
}

const only = (manager: DownloadManager) => manager.list()[0]!;

async function until<T>(read: () => T, accept: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = read();
        if (accept(value))
            return value;
        if (Date.now() > deadline)
            throw new Error(`Timed out; last value: ${JSON.stringify(value)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

describe("the download manager against a fake hub", () => {
    test("downloads an hf: URI, verifies it and names it .gguf only once complete", async () => {
        const {manager} = await openManager();
        const download = await manager.add(`hf:${repo}:Q4_K_M`);
        expect(download).toMatchObject({totalBytes: sizeBytes, verified: true, files: [{name: "tiny-thinker-q4_k_m.gguf"}]});
        const done = await until(() => only(manager), (item) => item.status === "done");
        expect(done).toMatchObject({receivedBytes: sizeBytes, error: null, modelId: `${repo}/tiny-thinker-q4_k_m.gguf`});
        const file = path.join(modelsDir, ...repo.split("/"), "tiny-thinker-q4_k_m.gguf");
        expect(await sha256Of(file)).toBe(await sha256Of(fixtures.prefilled));
        expect(existsSync(file + ".part")).toBe(false);
    });
});

describe("interruptions", () => {
    test("pause keeps the bytes; resume continues from them with a range request", async () => {
        hub.bytesPerSecond = 60_000;
        const {manager, changes} = await openManager();
        const {id} = await manager.add(`hf:${repo}:Q4_K_M`);
        await until(() => only(manager).receivedBytes, (bytes) => bytes > 40_000);
        const paused = await manager.pause(id);
        expect(paused.status).toBe("paused");
        expect(paused.receivedBytes).toBeGreaterThan(40_000);
        expect(paused.receivedBytes).toBeLessThan(sizeBytes);
        // Progress events carried speed and an ETA while it ran.
        expect(changes.some((list) => list[0]!.status === "downloading" && list[0]!.bytesPerSecond > 0 && list[0]!.etaSeconds != null)).toBe(true);

        hub.bytesPerSecond = null;
        manager.resume(id);
        await until(() => only(manager), (item) => item.status === "done");
        const ranges = hub.fileRequests().map((request) => request.range);
        expect(ranges).toEqual([null, `bytes=${paused.receivedBytes}-`]);
        expect(await sha256Of(path.join(modelsDir, ...repo.split("/"), "tiny-thinker-q4_k_m.gguf"))).toBe(await sha256Of(fixtures.prefilled));
    });

    test("a process killed with SIGKILL mid-download continues from the bytes on disk at the next start", async () => {
        hub.bytesPerSecond = 50_000;
        const child = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "test/model/support/downloadInChild.ts"), dbPath, modelsDir, hub.url, `hf:${repo}:Q4_K_M`], {cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"]});
        const exited = new Promise((resolve) => child.once("exit", resolve));
        await new Promise<void>((resolve) => createInterface({input: child.stdout!}).once("line", () => resolve()));
        const partPath = path.join(modelsDir, ...repo.split("/"), "tiny-thinker-q4_k_m.gguf.part");
        await until(() => existsSync(partPath) ? statSync(partPath).size : 0, (bytes) => bytes > 60_000);
        child.kill("SIGKILL");
        await exited;
        const kept = statSync(partPath).size;
        expect(kept).toBeLessThan(sizeBytes);

        hub.bytesPerSecond = null;
        hub.requests.length = 0;
        const {manager} = await openManager();
        await until(() => only(manager), (item) => item.status === "done");
        expect(hub.fileRequests().map((request) => request.range)).toEqual([`bytes=${kept}-`]);
        expect(await sha256Of(partPath.replace(/\.part$/, ""))).toBe(await sha256Of(fixtures.prefilled));
    });

    test("follows the hub's redirect to its CDN, and a resumed request keeps its range through it", async () => {
        hub.redirectFiles = true;
        hub.cutNextFileResponseAfter(100_000);
        const {manager} = await openManager();
        await manager.add(`hf:${repo}:Q4_K_M`);
        await until(() => only(manager), (item) => item.status === "done");
        expect(hub.fileRequests().map((request) => [request.status, request.path.startsWith("/cdn/"), request.range])).toEqual([
            [302, false, null], [200, true, null], [302, false, "bytes=100000-"], [206, true, "bytes=100000-"]
        ]);
        expect(await sha256Of(path.join(modelsDir, ...repo.split("/"), "tiny-thinker-q4_k_m.gguf"))).toBe(await sha256Of(fixtures.prefilled));
    });

    test("server errors are retried with backoff; a cut connection continues where it stopped", async () => {
        hub.failNextFileRequests(500, 503);
        hub.cutNextFileResponseAfter(100_000);
        const {manager} = await openManager();
        await manager.add(`hf:${repo}:Q4_K_M`);
        await until(() => only(manager), (item) => item.status === "done");
        expect(hub.fileRequests().map((request) => [request.status, request.range])).toEqual([
            [500, null], [503, null], [200, null], [206, "bytes=100000-"]
        ]);
    });

    test("a server that keeps failing ends in an error that says so, and Resume tries again", async () => {
        hub.failNextFileRequests(500, 500, 500);
        const {manager} = await openManager({retries: 2});
        const {id} = await manager.add(`hf:${repo}:Q4_K_M`);
        const failed = await until(() => only(manager), (item) => item.status === "error");
        expect(failed.error).toMatchObject({code: "download.retriesExhausted", params: {count: 3, reason: {code: "download.serverBusy", params: {status: "500"}}}});
        manager.resume(id);
        await until(() => only(manager), (item) => item.status === "done");
    });
});

describe("integrity and disk space", () => {
    test("a sha256 mismatch is reported, the file deleted, and never listed as a model", async () => {
        const {manager} = await openManager();
        await manager.add(`hf:${repo}:Q8_0`);
        const failed = await until(() => only(manager), (item) => item.status === "error");
        expect(failed.error).toMatchObject({code: "download.corrupt", params: {actual: expect.stringMatching(/^[0-9a-f]{64}$/), expected: "0".repeat(64)}});
        expect(failed.modelId).toBeNull();
        expect(readdirSync(path.join(modelsDir, ...repo.split("/")))).toEqual([]);
    });

    test("too little free space refuses to start, with the numbers; the queue is kept", async () => {
        const {manager} = await openManager({freeSpace: async () => sizeBytes / 2});
        await manager.add(`hf:${repo}:Q4_K_M`);
        const stopped = await until(() => only(manager), (item) => item.status === "paused" && item.error != null);
        expect(describeFailure(stopped.error!, "en")).toMatch(/^Not enough disk space: [\d.]+ [kMG]?B needed, [\d.]+ [kMG]?B free/);
        expect(manager.list()).toHaveLength(1);
    });

    test("a disk that fills up while downloading stops cleanly, keeps the bytes and holds the queue; Resume finishes both", async () => {
        hub.bytesPerSecond = 80_000;
        let limit = sizeBytes * 2;
        const partPath = path.join(modelsDir, ...repo.split("/"), "tiny-thinker-q4_k_m.gguf.part");
        const used = () => existsSync(partPath) ? statSync(partPath).size : 0;
        // A small disk: what's written so far takes space from it.
        const {manager} = await openManager({freeSpace: async () => limit - used()});
        const {id} = await manager.add(`hf:${repo}:Q4_K_M`);
        await manager.add(`hf:${repo}/split/tiny-thinker-f16-00001-of-00002.gguf`);
        await until(() => used(), (bytes) => bytes > 30_000);
        limit = used() + 1000;
        const stopped = await until(() => only(manager), (item) => item.status === "paused" && item.error != null);
        // The next download would meet the same full disk: it waits.
        expect(manager.list()[1]!.status).toBe("queued");
        expect(describeFailure(stopped.error!, "en")).toMatch(/disk is nearly full .* downloaded so far are kept/);
        const kept = used();
        expect(kept).toBeGreaterThan(30_000);
        expect(stopped.receivedBytes).toBe(kept);

        // Room for the rest of this one and all of the next (two parts).
        limit = sizeBytes * 4;
        hub.bytesPerSecond = null;
        manager.resume(id);
        await until(() => manager.list(), (list) => list.every((item) => item.status === "done"));
        expect(hub.fileRequests().find((request) => request.range != null)!.range).toBe(`bytes=${kept}-`);
    });
});

describe("the queue", () => {
    test("a split model downloads all its parts, in order, as one download", async () => {
        const {manager} = await openManager();
        const download = await manager.add(`hf:${repo}/split/tiny-thinker-f16-00001-of-00002.gguf`);
        expect(download.files.map((file) => file.name)).toEqual(["tiny-thinker-f16-00001-of-00002.gguf", "tiny-thinker-f16-00002-of-00002.gguf"]);
        const done = await until(() => only(manager), (item) => item.status === "done");
        expect(done.receivedBytes).toBe(statSync(fixtures.endless).size + statSync(fixtures.endlessWritesThink).size);
        expect(done.modelId).toBe(`${repo}/tiny-thinker-f16-00001-of-00002.gguf`);
    });

    test("downloads run one at a time in order; cancel deletes the partial file and starts the next", async () => {
        hub.bytesPerSecond = 40_000;
        const {manager} = await openManager();
        const first = await manager.add(`hf:${repo}:Q4_K_M`);
        const second = await manager.add(`hf:${repo}/split/tiny-thinker-f16-00001-of-00002.gguf`);
        expect(manager.list().map((item) => item.status)).toEqual(["downloading", "queued"]);
        await until(() => only(manager).receivedBytes, (bytes) => bytes > 20_000);
        await manager.cancel(first.id);
        expect(existsSync(path.join(modelsDir, ...repo.split("/"), "tiny-thinker-q4_k_m.gguf.part"))).toBe(false);
        hub.bytesPerSecond = null;
        await until(() => manager.list(), (list) => list.length === 1 && list[0]!.id === second.id && list[0]!.status === "done");
    });

    test("a repository the hub lists over several pages (Link: rel=\"next\") is read to its last page", async () => {
        hub.treePageSize = 1;
        const {manager} = await openManager();
        // The split model's parts are the third and fourth entries: only later pages list them.
        const download = await manager.add(`hf:${repo}/split/tiny-thinker-f16-00001-of-00002.gguf`);
        expect(download.files.map((file) => file.name)).toEqual(["tiny-thinker-f16-00001-of-00002.gguf", "tiny-thinker-f16-00002-of-00002.gguf"]);
        const listings = hub.requests.filter((request) => request.path.startsWith("/api/"));
        expect(listings).toHaveLength(4);
        await until(() => only(manager), (item) => item.status === "done");
    });

    test("addresses that name no model get a clear message", async () => {
        const {manager} = await openManager();
        await expect(manager.add(`hf:${repo}:Q2_K`)).rejects.toThrow(`${repo} has no Q2_K GGUF file.`);
        await expect(manager.add("hf:nobody/Nothing-GGUF")).rejects.toThrow("does not exist");
        await expect(manager.add("hf:../../etc:Q4_K_M")).rejects.toThrow("not a valid repository name");
        await expect(manager.add("not a url")).rejects.toThrow("is not a model address");
        expect(manager.list()).toEqual([]);
    });

    test("a plain URL downloads without a hash to check and says it is unverified", async () => {
        const {manager} = await openManager();
        const download = await manager.add(`${hub.url}/${repo}/resolve/main/tiny-thinker-q4_k_m.gguf`);
        // A URL on the hub itself still gets the hub's sha256.
        expect(download.verified).toBe(true);
        expect(download.title).toBe("Tiny-Thinker tiny-thinker-q4_k_m");
    });
});
