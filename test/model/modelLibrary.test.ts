import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {afterAll, afterEach, beforeAll, describe, expect, test} from "vitest";
import type {Download, Message} from "../../electron/contract.ts";
import {PonderCore, type PonderCoreOptions} from "../../electron/core/PonderCore.ts";
import {FakeHub} from "../fixtures/hub/FakeHub.ts";
import {copyFixtureModels} from "../fixtures/models/copyFixtureModels.ts";
import type {FixtureModels} from "../fixtures/models/fixtureModels.ts";
import {expectedTexts} from "../fixtures/models/scriptedModel.ts";
import {describeFailure} from "../../electron/contract/errors.ts";

let fixtures: FixtureModels;
let hub: FakeHub;
let dir: string;
const cores: PonderCore[] = [];

beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "ponder-library-"));
    fixtures = await copyFixtureModels(path.join(dir, "fixtures"));
    hub = await FakeHub.start();
    // The catalog's default entry, served by the fake hub under its real repository and file name.
    await hub.addFile("Qwen/QwQ-32B-GGUF", "qwq-32b-q4_k_m.gguf", fixtures.prefilled);
});
afterEach(async () => {
    for (const core of cores.splice(0))
        await core.dispose();
});
afterAll(async () => {
    await hub?.close();
    rmSync(dir, {recursive: true, force: true});
});

async function openCore(name: string, options: Partial<PonderCoreOptions> = {}) {
    mkdirSync(path.join(dir, name, "models"), {recursive: true});
    const core = await PonderCore.create({
        dataDir: path.join(dir, name, "data"),
        modelsDir: path.join(dir, name, "models"),
        shell: "headless",
        version: "test",
        runtime: {gpu: false},
        load: {threads: 1, contextSize: 2048},
        chats: {generation: {sampling: {temperature: 0}}},
        hubUrl: hub.url,
        downloads: {reserveBytes: 0},
        ...options
    });
    cores.push(core);
    return core;
}

function until<T>(core: PonderCore, read: () => T, accept: (value: T) => boolean): Promise<T> {
    return new Promise((resolve) => {
        const check = () => {
            const value = read();
            if (accept(value)) {
                unsubscribe();
                resolve(value);
            }
        };
        const unsubscribe = core.events.on(check);
        check();
    });
}

describe("will it fit", () => {
    test("the estimate reads a remote GGUF header with range requests, without downloading the file, and matches the local file's", async () => {
        const core = await openCore("fit");
        hub.requests.length = 0;
        const remote = await core.handlers["models.estimateFit"]({address: "qwq-32b-q4_k_m"});
        // A HEAD (for the size) downloads nothing; every GET must be a bounded range.
        const ranges = hub.fileRequests().filter((request) => request.method === "GET").map((request) => request.range);
        expect(ranges.length).toBeGreaterThan(0);
        expect(ranges.every((range) => range != null && /^bytes=\d+-\d+$/.test(range))).toBe(true);

        const modelsDir = path.join(dir, "fit", "models");
        copyFileSync(fixtures.prefilled, path.join(modelsDir, "local.gguf"));
        const local = await core.handlers["models.estimateFit"]({modelId: "local.gguf"});
        expect(remote).toEqual(local);
        // No GPU here: the CPU runs it, with the model's whole context.
        expect(local).toMatchObject({verdict: "cpu", vramBytes: 0, availableVramBytes: 0});
        expect(local.contextSize).toBe(local.trainContextSize);
        expect(local.ramBytes).toBeGreaterThan(local.modelBytes);
    });

    test("on a machine with too little memory the estimate says so, and loading is refused with the numbers", async () => {
        const core = await openCore("small-machine", {runtime: {gpu: false, ramBytes: 100_000}});
        const modelsDir = path.join(dir, "small-machine", "models");
        copyFileSync(fixtures.prefilled, path.join(modelsDir, "qwq-tiny.gguf"));
        const fit = await core.handlers["models.estimateFit"]({modelId: "qwq-tiny.gguf"});
        expect(fit).toMatchObject({verdict: "tooLarge", contextSize: 0, availableRamBytes: 100_000});
        const state = await core.handlers["models.load"]({modelId: "qwq-tiny.gguf"});
        expect(state.status).toBe("error");
        expect(describeFailure(state.error!, "en")).toMatch(/too large for this machine: it needs about [\d.]+ [kMG]B of memory even with the smallest context, and 100 kB is available/);
    });
});

describe("the library", () => {
    test("imports a file and a folder from elsewhere, keeps them across restarts; deleting an import keeps the user's file", async () => {
        const elsewhere = path.join(dir, "elsewhere");
        mkdirSync(path.join(elsewhere, "folder"), {recursive: true});
        copyFileSync(fixtures.prefilled, path.join(elsewhere, "single.gguf"));
        copyFileSync(fixtures.writesThink, path.join(elsewhere, "folder", "a.gguf"));
        copyFileSync(fixtures.endless, path.join(elsewhere, "folder", "b.gguf"));

        let core = await openCore("import");
        await core.handlers["models.import"]({path: path.join(elsewhere, "single.gguf")});
        const listed = await core.handlers["models.import"]({path: path.join(elsewhere, "folder")});
        expect(listed.map((file) => file.fileName)).toEqual(["a.gguf", "b.gguf", "single.gguf"]);
        expect(listed.every((file) => file.metadata?.thinks === true && file.metadata.architecture === "qwen2")).toBe(true);
        await expect(core.handlers["models.import"]({path: path.join(dir, "nothing-here")})).rejects.toThrow("There is no file or folder at");

        await core.dispose();
        cores.splice(0);
        core = await openCore("import");
        const single = (await core.handlers["models.list"](undefined)).find((file) => file.fileName === "single.gguf")!;
        expect(single.id).toBe(path.join(elsewhere, "single.gguf"));
        const afterDelete = await core.handlers["models.delete"]({modelId: single.id});
        expect(afterDelete.map((file) => file.fileName)).toEqual(["a.gguf", "b.gguf"]);
        expect(existsSync(path.join(elsewhere, "single.gguf"))).toBe(true);
    });

    test("truncated and mutated GGUF files get clear errors, won't load, and the app keeps running", async () => {
        const core = await openCore("bad-files");
        const modelsDir = path.join(dir, "bad-files", "models");
        const whole = readFileSync(fixtures.prefilled);
        copyFileSync(fixtures.truncated, path.join(modelsDir, "truncated.gguf"));
        const wrongMagic = Buffer.from(whole);
        wrongMagic.write("GGML", 0);
        writeFileSync(path.join(modelsDir, "wrong-magic.gguf"), wrongMagic);
        // A metadata key's length made absurd: the header can no longer be parsed.
        const brokenHeader = Buffer.from(whole);
        brokenHeader.writeBigUInt64LE(0xffff_ffff_ffffn, 24);
        writeFileSync(path.join(modelsDir, "broken-header.gguf"), brokenHeader);
        copyFileSync(fixtures.prefilled, path.join(modelsDir, "good.gguf"));

        const files = await core.handlers["models.list"](undefined);
        const errorOf = (name: string) => {
            const error = files.find((file) => file.fileName === name)?.error;
            return error == null ? error : describeFailure(error, "en");
        };
        expect(errorOf("truncated.gguf")).toMatch(/truncated/);
        expect(errorOf("wrong-magic.gguf")).toBe("This is not a GGUF model file.");
        expect(errorOf("broken-header.gguf")).toMatch(/header is damaged or truncated/);
        expect(errorOf("good.gguf")).toBeUndefined();

        for (const name of ["truncated.gguf", "wrong-magic.gguf", "broken-header.gguf"])
            expect(await core.handlers["models.load"]({modelId: name})).toMatchObject({status: "error", error: files.find((file) => file.fileName === name)?.error});
        expect((await core.handlers["models.load"]({modelId: "good.gguf"})).status).toBe("ready");
    });
});

describe("the desktop shell: file manager and open dialog", () => {
    function recordingShell(picks: string[][] = [], folderPicks: Array<string | null> = []) {
        const revealed: string[] = [];
        return {
            revealed,
            desktop: {
                reveal: (filePath: string) => void revealed.push(filePath),
                pickModelFiles: async () => picks.shift() ?? [],
                pickDocuments: async () => [],
                openFolder: async (folder: string) => void revealed.push(`folder:${folder}`),
                pickFolder: async () => folderPicks.shift() ?? null
            }
        };
    }

    test("reveal shows the listed model's own file; an id the library doesn't list is refused and nothing opens", async () => {
        const shell = recordingShell();
        const core = await openCore("reveal", {shell: "desktop", desktop: shell.desktop});
        const filePath = path.join(dir, "reveal", "models", "thinker.gguf");
        copyFileSync(fixtures.prefilled, filePath);
        await core.handlers["models.reveal"]({modelId: "thinker.gguf"});
        expect(shell.revealed).toEqual([filePath]);
        await expect(core.handlers["models.reveal"]({modelId: "missing.gguf"})).rejects.toThrow("no longer in the models folder");
        await expect(core.handlers["models.reveal"]({modelId: "../data/ponder.db"})).rejects.toThrow("no longer in the models folder");
        expect(shell.revealed).toEqual([filePath]);
    });

    test("About's Open logs folder opens the data folder's logs, nothing else", async () => {
        const shell = recordingShell();
        const core = await openCore("logs-folder", {shell: "desktop", desktop: shell.desktop});
        await core.handlers["app.openLogsFolder"](undefined);
        expect(shell.revealed).toEqual([`folder:${path.join(dir, "logs-folder", "data", "logs")}`]);
    });

    test("files picked in the open dialog are imported and listed; a cancelled dialog changes nothing", async () => {
        const elsewhere = path.join(dir, "picked-elsewhere");
        mkdirSync(elsewhere, {recursive: true});
        copyFileSync(fixtures.prefilled, path.join(elsewhere, "a.gguf"));
        copyFileSync(fixtures.writesThink, path.join(elsewhere, "b.gguf"));
        const shell = recordingShell([[path.join(elsewhere, "a.gguf"), path.join(elsewhere, "b.gguf")], []]);
        const core = await openCore("pick", {shell: "desktop", desktop: shell.desktop});
        const listed = await core.handlers["models.importPicked"](undefined);
        expect(listed.map((file) => [file.fileName, file.imported, file.metadata?.architecture])).toEqual([["a.gguf", true, "qwen2"], ["b.gguf", true, "qwen2"]]);
        expect(await core.handlers["models.importPicked"](undefined)).toEqual(listed);
    });

    test("the models folder opens in the file manager, changes to a picked or typed folder, and is remembered", async () => {
        const other = path.join(dir, "folder-other");
        const third = path.join(dir, "folder-third");
        mkdirSync(other, {recursive: true});
        mkdirSync(third, {recursive: true});
        copyFileSync(fixtures.prefilled, path.join(other, "elsewhere.gguf"));
        const shell = recordingShell([], [other, null]);
        const options = {shell: "desktop" as const, desktop: shell.desktop, modelsDir: undefined};
        const core = await openCore("folder", options);
        await core.handlers["models.openFolder"](undefined);
        expect(shell.revealed).toEqual([`folder:${path.join(dir, "folder", "data", "models")}`]);

        expect((await core.handlers["models.changeFolder"]({})).modelsDir).toBe(other);
        expect((await core.handlers["models.list"](undefined)).map((file) => file.id)).toEqual(["elsewhere.gguf"]);
        expect((await core.handlers["app.getInfo"](undefined)).modelsDir).toBe(other);
        // A cancelled dialog keeps the folder; a typed path that isn't a folder is refused.
        expect((await core.handlers["models.changeFolder"]({})).modelsDir).toBe(other);
        await expect(core.handlers["models.changeFolder"]({path: path.join(dir, "no-such-folder")})).rejects.toThrow("There is no folder at");

        await core.dispose();
        cores.splice(cores.indexOf(core), 1);
        const again = await openCore("folder", options);
        expect((await again.handlers["app.getInfo"](undefined)).modelsDir).toBe(other);
        expect((await again.handlers["models.changeFolder"]({path: third})).modelsDir).toBe(third);
        expect(await again.handlers["models.list"](undefined)).toEqual([]);
    });

    test("serve has no file manager or dialog: both are refused with a message saying what to do instead", async () => {
        const core = await openCore("headless-shell");
        copyFileSync(fixtures.prefilled, path.join(dir, "headless-shell", "models", "thinker.gguf"));
        await expect(core.handlers["models.reveal"]({modelId: "thinker.gguf"})).rejects.toThrow("Only the desktop app can open the file manager");
        await expect(core.handlers["models.importPicked"](undefined)).rejects.toThrow("type the file's path");
        await expect(core.handlers["app.openLogsFolder"](undefined)).rejects.toThrow("Only the desktop app can open the file manager");
        await expect(core.handlers["models.openFolder"](undefined)).rejects.toThrow("Only the desktop app can open the file manager");
    });
});

describe("download, then chat", () => {
    test("the catalog's default downloads from the hub, is listed as a thinking model, loads and answers; delete removes the file", async () => {
        const core = await openCore("download");
        const listChanges: string[][] = [];
        core.events.on((event, payload) => {
            if (event === "models.listChanged")
                listChanges.push((payload as Array<{id: string}>).map((file) => file.id));
        });
        const catalog = await core.handlers["catalog.list"](undefined);
        expect(catalog.filter((entry) => entry.isDefault).map((entry) => entry.id)).toEqual(["qwq-32b-q4_k_m"]);

        const download = await core.handlers["downloads.add"]({address: "qwq-32b-q4_k_m"});
        expect(download).toMatchObject({title: "QwQ-32B Q4_K_M", verified: true, totalBytes: statSync(fixtures.prefilled).size});
        const done = await until<Download | undefined>(core, () => core.downloads.list()[0], (item) => item?.status === "done");
        const modelId = "Qwen/QwQ-32B-GGUF/qwq-32b-q4_k_m.gguf";
        expect(done!.modelId).toBe(modelId);
        await until(core, () => listChanges.at(-1), (ids) => ids?.includes(modelId) === true);

        const model = (await core.handlers["models.list"](undefined)).find((file) => file.id === modelId)!;
        expect(model.metadata).toMatchObject({architecture: "qwen2", thinks: true});
        expect((await core.handlers["models.load"]({modelId})).status).toBe("ready");
        const sent = await core.handlers["chats.send"]({text: "Hi there!"});
        const reply = await until<Message | undefined>(core, () => core.chats.get(sent.chatId).messages.at(-1), (message) => message?.status === "done");
        expect(reply).toMatchObject({reasoning: expectedTexts.reasoning, text: expectedTexts.answer});

        const remaining = await core.handlers["models.delete"]({modelId});
        expect(remaining).toEqual([]);
        expect(core.models.state.status).toBe("empty");
        expect(existsSync(path.join(dir, "download", "models", "Qwen", "QwQ-32B-GGUF", "qwq-32b-q4_k_m.gguf"))).toBe(false);

        // Deleted, then wanted again: it downloads afresh.
        const again = await core.handlers["downloads.add"]({address: "qwq-32b-q4_k_m"});
        expect(again.status).not.toBe("done");
        await until(core, () => core.downloads.list().find((item) => item.id === again.id), (item) => item?.status === "done");
        expect(existsSync(path.join(dir, "download", "models", "Qwen", "QwQ-32B-GGUF", "qwq-32b-q4_k_m.gguf"))).toBe(true);
    });
});
