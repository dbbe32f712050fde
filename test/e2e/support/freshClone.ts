import {execFileSync} from "node:child_process";
import {copyFileSync, cpSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, symlinkSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * Rebuilds `source` under `destination` with every file hard-linked: a node_modules of 30,000
 * files in seconds and no disk. Falls back to copying across file systems.
 */
function linkTree(source: string, destination: string, skip: string[] = []) {
    mkdirSync(destination, {recursive: true});
    for (const entry of readdirSync(source, {withFileTypes: true})) {
        if (skip.includes(entry.name))
            continue;
        const from = path.join(source, entry.name);
        const to = path.join(destination, entry.name);
        if (entry.isDirectory())
            linkTree(from, to);
        else if (entry.isSymbolicLink())
            symlinkSync(readlinkSync(from), to);
        else {
            try {
                linkSync(from, to);
            } catch (error) {
                if ((error as NodeJS.ErrnoException).code !== "EXDEV")
                    throw error;
                copyFileSync(from, to);
            }
        }
    }
}

/**
 * A fresh clone of this repository's committed HEAD, as a new user gets it, with the
 * node_modules `npm install` would have made: this checkout's, hard-linked (installing again
 * would need the network and minutes). The top-level packages that starting writes into
 * (`writtenPackages`: Electron's download, a native rebuild) are real copies, so the clone never
 * changes this checkout's files.
 */
export function freshClone(writtenPackages: string[]): string {
    const clone = path.join(mkdtempSync(path.join(tmpdir(), "ponder-fresh-clone-")), "ponder");
    execFileSync("git", ["clone", "--quiet", "--no-hardlinks", repoRoot, clone]);
    const sourceModules = path.join(repoRoot, "node_modules");
    const cloneModules = path.join(clone, "node_modules");
    linkTree(sourceModules, cloneModules, writtenPackages);
    for (const name of writtenPackages)
        cpSync(path.join(sourceModules, name), path.join(cloneModules, name), {recursive: true, verbatimSymlinks: true});
    return clone;
}
