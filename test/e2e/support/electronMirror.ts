import {createHash} from "node:crypto";
import {createServer} from "node:http";
import type {AddressInfo} from "node:net";
import {crc32} from "node:zlib";

/**
 * An Electron download mirror on 127.0.0.1 serving a stand-in Electron archive the way
 * Electron's releases are laid out (`v<version>/electron-v<version>-<platform>-<arch>.zip` next
 * to `v<version>/SHASUMS256.txt`), so `ELECTRON_MIRROR` and `electron_use_remote_checksums` can
 * point Electron's own installer at it. It logs every path asked for.
 */
export interface ElectronMirror {
    url: string;
    requests: string[];
    archiveName: string;
    close(): Promise<void>;
}

/** Where Electron's installer expects the executable inside the archive (its `path.txt`). */
export function electronExecutablePath(platform: NodeJS.Platform): string {
    return platform === "darwin" ? "Electron.app/Contents/MacOS/Electron" : "electron";
}

/**
 * The stand-in for Electron's binary: a Node script that records how it was started (arguments,
 * folder, the app's entry and whether it is built), fetches the renderer page it was pointed at
 * and the scripts that page loads, writes all that to $STAND_IN_ELECTRON_RECORD and exits.
 */
const standInElectron = String.raw`#!/usr/bin/env node
const fs = require("node:fs");
const path = require("node:path");

async function record() {
    const appDir = path.resolve(process.argv[2] ?? ".");
    const main = JSON.parse(fs.readFileSync(path.join(appDir, "package.json"), "utf8")).main;
    const pageUrl = process.env.ELECTRON_RENDERER_URL;
    const page = await fetch(pageUrl);
    const html = await page.text();
    const scripts = [];
    for (const [, src] of html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)) {
        const response = await fetch(new URL(src, pageUrl));
        scripts.push({src, status: response.status, type: response.headers.get("content-type"), text: await response.text()});
    }
    return {
        args: process.argv.slice(2), cwd: process.cwd(), main, mainBuilt: fs.existsSync(path.join(appDir, main)),
        pageUrl, pageStatus: page.status, title: /<title>([^<]*)<\/title>/.exec(html)?.[1], scripts
    };
}

record().then(
    (result) => fs.writeFileSync(process.env.STAND_IN_ELECTRON_RECORD, JSON.stringify(result)),
    (error) => {
        fs.writeFileSync(process.env.STAND_IN_ELECTRON_RECORD, JSON.stringify({error: String(error)}));
        process.exitCode = 2;
    }
);
`;

interface ZipEntry {
    name: string;
    data: Buffer;
    mode: number;
}

/** A zip with stored (uncompressed) entries and Unix permissions: all a stand-in archive needs. */
function zip(entries: ZipEntry[]): Buffer {
    const localParts: Buffer[] = [];
    const centralParts: Buffer[] = [];
    let offset = 0;
    for (const entry of entries) {
        const name = Buffer.from(entry.name);
        const checksum = crc32(entry.data);
        const local = Buffer.alloc(30);
        local.writeUInt32LE(0x04034b50, 0);
        local.writeUInt16LE(20, 4); // version needed: 2.0
        local.writeUInt32LE(checksum, 14);
        local.writeUInt32LE(entry.data.length, 18);
        local.writeUInt32LE(entry.data.length, 22);
        local.writeUInt16LE(name.length, 26);
        const central = Buffer.alloc(46);
        central.writeUInt32LE(0x02014b50, 0);
        central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the external attributes carry the mode
        central.writeUInt16LE(20, 6);
        central.writeUInt32LE(checksum, 16);
        central.writeUInt32LE(entry.data.length, 20);
        central.writeUInt32LE(entry.data.length, 24);
        central.writeUInt16LE(name.length, 28);
        central.writeUInt32LE(((0o100000 | entry.mode) << 16) >>> 0, 38);
        central.writeUInt32LE(offset, 42);
        localParts.push(local, name, entry.data);
        centralParts.push(central, name);
        offset += local.length + name.length + entry.data.length;
    }
    const centralDirectory = Buffer.concat(centralParts);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(centralDirectory.length, 12);
    end.writeUInt32LE(offset, 16);
    return Buffer.concat([...localParts, centralDirectory, end]);
}

export async function serveElectronMirror(version: string): Promise<ElectronMirror> {
    const archiveName = `electron-v${version}-${process.platform}-${process.arch}.zip`;
    const archive = zip([
        {name: electronExecutablePath(process.platform), data: Buffer.from(standInElectron), mode: 0o755},
        {name: "version", data: Buffer.from(version), mode: 0o644}
    ]);
    const checksums = `${createHash("sha256").update(archive).digest("hex")} *${archiveName}\n`;
    const files = new Map([[`/v${version}/${archiveName}`, archive], [`/v${version}/SHASUMS256.txt`, Buffer.from(checksums)]]);

    const requests: string[] = [];
    const server = createServer((request, response) => {
        const requestPath = new URL(request.url ?? "/", "http://mirror").pathname;
        requests.push(requestPath);
        const file = files.get(requestPath);
        if (file == null) {
            response.writeHead(404).end();
            return;
        }
        response.writeHead(200, {"content-length": file.length}).end(file);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        requests,
        archiveName,
        close: () => new Promise<void>((resolve) => server.close(() => resolve()))
    };
}
