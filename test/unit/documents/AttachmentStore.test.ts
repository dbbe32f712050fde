import {execFileSync} from "node:child_process";
import {createHash} from "node:crypto";
import {existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {afterAll, describe, expect, test} from "vitest";
import {PonderError, type PonderErrorData} from "../../../electron/contract/errors.ts";
import {AttachmentStore} from "../../../electron/core/documents/AttachmentStore.ts";
import {maxDocumentBytes} from "../../../electron/core/documents/extractDocument.ts";

const dir = mkdtempSync(path.join(tmpdir(), "ponder-attachment-store-"));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

const countTokens = async (text: string) => Math.ceil(text.length / 4);
const notes = Buffer.from("Meeting notes\n\nThe launch moves to the ninth of March.\n");

/** What a refused attachment says, as the UI receives it. */
function refusal(promise: Promise<unknown>): Promise<PonderErrorData | null> {
    return promise.then(() => null, (error: unknown) => {
        expect(error).toBeInstanceOf(PonderError);
        return {code: (error as PonderError).code, params: (error as PonderError).params} as PonderErrorData;
    });
}

describe("the attachment store refuses bad files with coded reasons and keeps working", () => {
    test("a 2 GB log file is refused from its size, before a byte of it is read", async () => {
        const store = new AttachmentStore(path.join(dir, "large"), countTokens);
        const log = path.join(dir, "server.log");
        // Sparse: two gigabytes long, no disk space taken.
        execFileSync("truncate", ["-s", "2G", log]);
        expect(await refusal(store.addFile(log))).toEqual({code: "attachment.tooLarge", params: {name: "server.log", sizeBytes: 2 * 2 ** 30, maxBytes: maxDocumentBytes}});
        expect(await refusal(store.begin("server.log", 2 * 2 ** 30))).toMatchObject({code: "attachment.tooLarge"});
        expect(await store.addFile(writeNotes("after.md"))).toMatchObject({name: "after.md", kind: "text"});
    });

    test("a file that is gone when it is read, a folder, and one whose size changes while it is read", async () => {
        const store = new AttachmentStore(path.join(dir, "gone"), countTokens);
        const picked = writeNotes("picked.md");
        rmSync(picked);
        expect(await refusal(store.addFile(picked))).toEqual({code: "attachment.disappeared", params: {name: "picked.md"}});
        const folder = path.join(dir, "papers");
        mkdirSync(folder);
        expect(await refusal(store.addFile(folder))).toEqual({code: "attachment.isFolder", params: {name: "papers"}});
        // The kernel makes /proc's files as they are read: their size on disk (0) is never what a read gets.
        expect(await refusal(store.addFile("/proc/self/status"))).toEqual({code: "attachment.changedWhileRead", params: {name: "status"}});
    });

    test("a full disk: the kernel's ENOSPC where the document is written is the disk-full message, nothing half-written is kept, and the next attach works", async () => {
        const storeDir = path.join(dir, "full");
        const store = new AttachmentStore(storeDir, countTokens);
        const id = createHash("sha256").update(notes).digest("hex");
        // /dev/full answers every write with ENOSPC, as a full disk does.
        symlinkSync("/dev/full", path.join(storeDir, `${id}.json.part`));
        expect(await refusal(store.add("notes.md", notes))).toEqual({code: "attachment.diskFull", params: {name: "notes.md"}});
        expect(existsSync(path.join(storeDir, `${id}.json`))).toBe(false);
        expect(readdirSync(storeDir).sort()).toEqual(["uploads"]);
        expect(await store.add("notes.md", notes)).toMatchObject({id, name: "notes.md", kind: "text"});
    });

    test("an upload that ends early or gets a piece out of place says so, and leaves nothing behind", async () => {
        const storeDir = path.join(dir, "uploads");
        const store = new AttachmentStore(storeDir, countTokens);
        const short = await store.begin("short.txt", 10);
        await store.write(short, 0, Buffer.from("abc"));
        expect(await refusal(store.finish(short))).toEqual({code: "attachment.uploadStoppedEarly", params: {name: "short.txt", receivedBytes: 3, sizeBytes: 10}});
        const misplaced = await store.begin("notes.md", 10);
        expect(await refusal(store.write(misplaced, 5, Buffer.from("hello")))).toEqual({code: "attachment.uploadOutOfPlace", params: {name: "notes.md"}});
        expect(await refusal(store.finish(misplaced))).toEqual({code: "attachment.uploadEnded", params: {}});
        expect(() => store.describe({id: "0".repeat(64), name: "lost.pdf"})).toThrow(new PonderError("attachment.noLongerStored", {name: "lost.pdf"}));
        expect(readdirSync(path.join(storeDir, "uploads"))).toEqual([]);
    });
});

describe("the desktop app attaches by path, in its main process", () => {
    test("a picked file gives the record its upload gives; a path that vanished gets its coded reason", async () => {
        const store = new AttachmentStore(path.join(dir, "by-path"), countTokens);
        const picked = writeNotes("minutes.md");
        const desktop = {
            reveal: () => undefined, openFolder: async () => undefined, pickFolder: async () => null,
            pickModelFiles: async () => [], pickDocuments: async () => [picked]
        };
        const handlers = store.handlers(desktop);
        expect(await handlers.pick(undefined)).toEqual([picked]);
        const byPath = await handlers.addPath({path: picked});
        const uploadId = await store.begin("minutes.md", notes.length);
        await store.write(uploadId, 0, notes);
        expect(byPath).toEqual(await store.finish(uploadId));
        expect(byPath).toMatchObject({id: createHash("sha256").update(notes).digest("hex"), name: "minutes.md", kind: "text", pages: null, sizeBytes: notes.length});

        rmSync(picked);
        expect(await refusal(handlers.addPath({path: picked}))).toEqual({code: "attachment.disappeared", params: {name: "minutes.md"}});
    });

    test("without the desktop shell (serve), neither the picker nor a path is taken, and nothing is read", async () => {
        const storeDir = path.join(dir, "serve");
        const handlers = new AttachmentStore(storeDir, countTokens).handlers();
        expect(await refusal(handlers.pick(undefined))).toEqual({code: "app.desktopOnly", params: {}});
        expect(await refusal(handlers.addPath({path: writeNotes("server-side.md")}))).toEqual({code: "app.desktopOnly", params: {}});
        expect(readdirSync(storeDir)).toEqual(["uploads"]);
    });
});

function writeNotes(name: string) {
    const file = path.join(dir, name);
    writeFileSync(file, notes);
    return file;
}
