// The thread of a GrowingFileHasher: trails the writer through shared positions and hashes each
// block as it lands. Node's own modules only (it starts without the process's loaders); started by startWorker.
import {createHash} from "node:crypto";
import fs from "node:fs";
import {parentPort, workerData} from "node:worker_threads";

export interface GrowingFileHasherWorkerData {
    filePath: string;
    /** The writer's bytes on disk in `writtenSlot`, and 1 in `finishedSlot` once it is done. */
    positions: BigInt64Array;
    writtenSlot: number;
    finishedSlot: number;
    blockBytes: number;
}

/** The worker's one message: the sha256 in hex, or why it could not hash the whole file. */
export type GrowingFileHasherReport = {digest: string} | {shorterOnDisk: true};

const {filePath, positions, writtenSlot, finishedSlot, blockBytes} = workerData as GrowingFileHasherWorkerData;
const hash = createHash("sha256");
const buffer = Buffer.allocUnsafe(blockBytes);
let fd: number | null = null;
let hashed = 0;
let shorterOnDisk = false;
for (;;) {
    const written = Atomics.load(positions, writtenSlot);
    const finished = Atomics.load(positions, finishedSlot) === 1n;
    // Whole blocks while the file grows (few, large reads), then whatever is left at the end.
    if (Number(written) - hashed >= blockBytes || (finished && hashed < Number(written))) {
        fd ??= fs.openSync(filePath, "r");
        const read = fs.readSync(fd, buffer, 0, Math.min(blockBytes, Number(written) - hashed), hashed);
        if (read === 0) {
            shorterOnDisk = true;
            break;
        }
        hash.update(buffer.subarray(0, read));
        hashed += read;
    } else if (finished) {
        break;
    } else {
        // Sleeps until the writer has another block on disk (or says it is done).
        Atomics.wait(positions, writtenSlot, written, 1000);
    }
}
if (fd != null)
    fs.closeSync(fd);
const report: GrowingFileHasherReport = shorterOnDisk ? {shorterOnDisk} : {digest: hash.digest("hex")};
parentPort!.postMessage(report);
