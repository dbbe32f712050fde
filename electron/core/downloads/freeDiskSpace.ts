import {statfs} from "node:fs/promises";

/** Bytes an unprivileged process may still write in the file system holding `dir`. */
export async function freeDiskSpace(dir: string): Promise<number> {
    const stats = await statfs(dir);
    return stats.bavail * stats.bsize;
}
