import {existsSync, readFileSync} from "node:fs";
import path from "node:path";
import {expect, test} from "vitest";
import type {PonderApi, PonderFiles} from "../../../electron/contract.ts";
import {ipcChannel} from "../../../electron/contract/values.ts";

/*
 * The built preload (out/preload/preload.cjs) runs here against a recording stand-in for the
 * `electron` module it requires: what it exposes to the page, and what it sends over IPC.
 */

const preloadBundle = path.resolve("out/preload/preload.cjs");

function runPreload() {
    if (!existsSync(preloadBundle))
        throw new Error("out/preload/preload.cjs is missing: run `npm run build` first (npm test does).");
    const exposed = new Map<string, unknown>();
    const sent: {channel: string; data: unknown}[] = [];
    const askedPathOf: unknown[] = [];
    const electron = {
        contextBridge: {exposeInMainWorld: (name: string, value: unknown) => void exposed.set(name, value)},
        ipcRenderer: {send: (channel: string, data: unknown) => void sent.push({channel, data}), on: () => undefined},
        // Electron answers "" for a File that isn't on disk.
        webUtils: {getPathForFile: (file: unknown) => (askedPathOf.push(file), file instanceof File && file.name === "notes.md" ? "/home/ada/notes.md" : "")}
    };
    const require = (name: string) => {
        if (name !== "electron")
            throw new Error(`The preload may require only electron, not ${name}.`);
        return electron;
    };
    new Function("require", readFileSync(preloadBundle, "utf8"))(require);
    return {exposed, sent, askedPathOf};
}

test("the preload exposes the contract and, for attaching by path, only a file's path on disk", async () => {
    const {exposed, sent, askedPathOf} = runPreload();
    expect([...exposed.keys()]).toEqual(["ponder", "ponderFiles"]);

    const files = exposed.get("ponderFiles") as PonderFiles;
    expect(Object.keys(files)).toEqual(["pathOf"]);
    const dropped = new File(["# Notes"], "notes.md");
    expect(files.pathOf(dropped)).toBe("/home/ada/notes.md");
    expect(files.pathOf(new File(["pasted"], "pasted.txt"))).toBe("");
    expect(askedPathOf[0]).toBe(dropped);

    // The paths go to the main process as contract requests on the one channel.
    void (exposed.get("ponder") as PonderApi).attachments.addPath({path: "/home/ada/notes.md"});
    expect(sent).toHaveLength(1);
    expect(sent[0]!.channel).toBe(ipcChannel);
    expect(JSON.stringify(sent[0]!.data)).toContain("attachments.addPath");
});
