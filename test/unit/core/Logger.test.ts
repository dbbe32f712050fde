import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {afterEach, describe, expect, test} from "vitest";
import {Logger, MemoryLogSink} from "../../../electron/core/logging/Logger.ts";
import {RotatingLogFile} from "../../../electron/core/logging/RotatingLogFile.ts";

const dirs: string[] = [];
function tempDir() {
    const dir = mkdtempSync(path.join(tmpdir(), "ponder-log-"));
    dirs.push(dir);
    return dir;
}
afterEach(() => {
    for (const dir of dirs.splice(0))
        rmSync(dir, {recursive: true, force: true});
});

describe("Logger", () => {
    test("writes its level and above, each line with time, level, scope and fields", () => {
        const sink = new MemoryLogSink();
        const logger = new Logger(sink, "info").scoped("downloads");
        logger.debug("not written");
        logger.info("Download finished", {downloadId: "d1", bytes: 42});
        logger.warn("Slow disk");
        expect(sink.lines).toHaveLength(2);
        expect(sink.lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z INFO  \[downloads\] Download finished downloadId="d1" bytes=42$/);
        expect(sink.lines[1]).toContain("WARN  [downloads] Slow disk");
    });

    test("a cause is written with its stack and its own cause", () => {
        const sink = new MemoryLogSink();
        const reason = Object.assign(new Error("EACCES: permission denied, open '/m/x.gguf'"), {code: "EACCES"});
        new Logger(sink).error("Model failed to load", {modelId: "x.gguf", cause: new Error("llama.cpp could not load x.gguf", {cause: reason})});
        const text = sink.lines.join("\n");
        expect(text).toContain("llama.cpp could not load x.gguf");
        expect(text).toContain("at "); // the stack
        expect(text).toContain("EACCES: permission denied");
        expect(text).toContain("code: 'EACCES'");
    });
});

describe("RotatingLogFile", () => {
    test("appends to ponder.log, rotates past the limit keeping two older files, and its tail spans the rotation", () => {
        const dir = tempDir();
        const file = new RotatingLogFile(dir, {maxBytes: 100, keep: 2});
        for (let index = 0; index < 20; index++)
            file.write(`line ${String(index).padStart(2, "0")} ${"x".repeat(20)}`);
        expect(readdirSync(dir).sort()).toEqual(["ponder.1.log", "ponder.2.log", "ponder.log"]);
        for (const name of readdirSync(dir))
            expect(readFileSync(path.join(dir, name)).length).toBeLessThanOrEqual(100);
        const tail = file.tail(5);
        expect(tail.map((line) => line.slice(0, 7))).toEqual(["line 15", "line 16", "line 17", "line 18", "line 19"]);
    });

    test("continues an existing log after a restart", () => {
        const dir = tempDir();
        writeFileSync(path.join(dir, "ponder.log"), "from before\n");
        const file = new RotatingLogFile(dir);
        file.write("after the restart");
        expect(file.tail(10)).toEqual(["from before", "after the restart"]);
    });

    test("a log that can't be written never stops the app", () => {
        const dir = tempDir();
        const file = new RotatingLogFile(dir);
        // A folder where the file should be fails every write, for root too (unlike a read-only folder).
        mkdirSync(path.join(dir, "ponder.log"));
        expect(() => file.write("lost")).not.toThrow();
        expect(file.tail(5)).toEqual([]);
    });
});
