import {chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {Logger, MemoryLogSink} from "../../../electron/core/logging/Logger.ts";
import {ModelLibrary} from "../../../electron/core/models/ModelLibrary.ts";

let dir = "";
beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "ponder-library-"));
});
afterAll(() => rmSync(dir, {recursive: true, force: true}));

// Root reads every file whatever its mode, so a folder Ponder may not read can only be made as another user.
const runsAsRoot = process.getuid?.() === 0;

describe("ModelLibrary reports why a path can't be read", () => {
    test("no models folder yet is an empty list", async () => {
        await expect(new ModelLibrary(path.join(dir, "not-yet")).list()).resolves.toEqual([]);
    });

    test("a path that isn't there", async () => {
        const library = new ModelLibrary(path.join(dir, "models"));
        await expect(library.import(path.join(dir, "missing.gguf"))).rejects.toThrow(`There is no file or folder at ${path.join(dir, "missing.gguf")}.`);
    });

    test("a file that isn't a model is listed with its reason, and the reason is logged", async () => {
        const models = path.join(dir, "with-broken");
        mkdirSync(models);
        writeFileSync(path.join(models, "broken.gguf"), "not a model");
        const log = new MemoryLogSink();
        const [file] = await new ModelLibrary(models, undefined, new Logger(log)).list();
        expect(file?.error).toMatchObject({code: "model.notGguf"});
        expect(log.lines[0]).toContain(`A model file can't be used file="${path.join(models, "broken.gguf")}"`);
    });

    test.skipIf(runsAsRoot)("a folder Ponder may not read is said so, not called missing or empty (skipped as root, who can read any folder)", async () => {
        const locked = path.join(dir, "locked");
        mkdirSync(locked);
        chmodSync(locked, 0o000);
        try {
            await expect(new ModelLibrary(locked).list()).rejects.toThrow(`Ponder isn't allowed to read ${locked}.`);
            await expect(new ModelLibrary(path.join(dir, "models")).import(path.join(locked, "x.gguf"))).rejects.toThrow(`Ponder isn't allowed to read ${path.join(locked, "x.gguf")}.`);
        } finally {
            chmodSync(locked, 0o700);
        }
    });
});
