import {createHash, randomBytes} from "node:crypto";
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {createServer, type Server} from "node:http";
import type {AddressInfo} from "node:net";
import {tmpdir} from "node:os";
import path from "node:path";
import {Worker} from "node:worker_threads";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {FileReceiver} from "../../../electron/core/downloads/FileReceiver.ts";
import {GrowingFileHasher, hashBlockBytes} from "../../../electron/core/downloads/GrowingFileHasher.ts";
import type {GrowingFileHasherWorkerData} from "../../../electron/core/downloads/growingFileHasherWorker.ts";

// Over three hash blocks, and not a whole number of them.
const body = randomBytes(3 * hashBlockBytes + 12_345);
const sha256 = createHash("sha256").update(body).digest("hex");
let dir: string;
let server: Server;
let url: string;

beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "ponder-download-workers-"));
    server = createServer((request, response) => {
        const start = Number(/^bytes=(\d+)-$/.exec(request.headers.range ?? "")?.[1] ?? 0);
        response.writeHead(start > 0 ? 206 : 200, {"content-length": body.length - start});
        response.end(body.subarray(start));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/model.gguf`;
});
afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, {recursive: true, force: true});
});

describe("the download workers, from their TypeScript sources", () => {
    test("a receiver writes the file while a hasher trails it, resuming from a range", async () => {
        const partPath = path.join(dir, "whole.part");
        const hasher = new GrowingFileHasher(partPath);
        const receiver = new FileReceiver(partPath, hasher.positions);
        try {
            const end = await receiver.receive(url, {}, 0, body.length, () => undefined);
            expect(end).toEqual({position: body.length, failure: undefined});
            expect(await hasher.digest(end.position)).toBe(sha256);
            expect(readFileSync(partPath).equals(body)).toBe(true);
        } finally {
            await receiver.close();
            await hasher.close();
        }

        const resumedPath = path.join(dir, "resumed.part");
        writeFileSync(resumedPath, body.subarray(0, 1000));
        const resumer = new FileReceiver(resumedPath);
        try {
            expect(await resumer.receive(url, {}, 1000, body.length, () => undefined)).toEqual({position: body.length, failure: undefined});
            expect(readFileSync(resumedPath).equals(body)).toBe(true);
        } finally {
            await resumer.close();
        }
    });

    test("a receiver reports what the server did wrong, not a thrown error", async () => {
        const receiver = new FileReceiver(path.join(dir, "short.part"));
        try {
            const end = await receiver.receive(url, {}, 0, body.length - 1, () => undefined);
            expect(end.failure).toEqual({kind: "refused", reason: {code: "download.tooManyBytes", params: {}}});
        } finally {
            await receiver.close();
        }
    });
});

describe("the download workers, as electron-vite builds them beside main.js", () => {
    const built = (name: string) => path.resolve("out/main", `${name}.js`);

    test("both are emitted, and the built hasher runs on its own with no loader", async () => {
        for (const name of ["fileReceiverWorker", "growingFileHasherWorker"])
            expect(existsSync(built(name)), `${built(name)} is missing: run \`npx electron-vite build\` first (npm test does)`).toBe(true);

        const filePath = path.join(dir, "built.bin");
        writeFileSync(filePath, body);
        const positions = new BigInt64Array(new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT));
        positions[0] = BigInt(body.length);
        positions[1] = 1n;
        const workerData: GrowingFileHasherWorkerData = {filePath, positions, writtenSlot: 0, finishedSlot: 1, blockBytes: hashBlockBytes};
        const worker = new Worker(built("growingFileHasherWorker"), {execArgv: [], workerData});
        try {
            expect(await new Promise((resolve, reject) => {
                worker.once("message", resolve);
                worker.once("error", reject);
            })).toEqual({digest: sha256});
        } finally {
            await worker.terminate();
        }
    });
});
