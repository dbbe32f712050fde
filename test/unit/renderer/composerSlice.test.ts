import {afterEach, describe, expect, test} from "vitest";
import type {Attachment, PonderFiles} from "../../../electron/contract.ts";
import {createPonderStore} from "../../../renderer/src/store/createPonderStore.ts";
import {closeConnectedPairs, connectPair} from "./rpcPeer.ts";

afterEach(closeConnectedPairs);

function attachmentNamed(name: string): Attachment {
    return {id: "a".repeat(64), name, kind: "text", pages: null, tokens: 12, sizeBytes: 40};
}

/** The main side: reads paths (desktop), takes uploads, and its open dialog picks two documents. */
async function setup(files?: PonderFiles) {
    const uploads = new Map<string, string>();
    const {peer, bridge} = await connectPair({
        "attachments.addPath": ({path}) => {
            if (path.endsWith("gone.md"))
                throw {code: "attachment.disappeared", params: {name: "gone.md"}};
            return attachmentNamed(path.slice(path.lastIndexOf("/") + 1));
        },
        "attachments.pick": () => ["/home/ada/papers/thesis.pdf", "/home/ada/gone.md"],
        "attachments.begin": ({name}) => {
            uploads.set(`u${uploads.size}`, name);
            return {uploadId: `u${uploads.size - 1}`};
        },
        "attachments.finish": ({uploadId}) => attachmentNamed(uploads.get(uploadId)!)
    });
    return {peer, store: createPonderStore(bridge.api, files)};
}

/** A file as the page holds it: dropped files from disk have a path in the desktop app, pasted data has none. */
const dropped = new File([], "notes.md");
const pasted = new File([], "pasted.txt");
/** The desktop preload's answer for those two files, as `webUtils.getPathForFile` gives it. */
const desktopFiles: PonderFiles = {pathOf: (file) => file === dropped ? "/home/ada/notes.md" : ""};

const requestNames = (calls: {name: string}[]) => calls.map((call) => call.name).filter((name) => name.startsWith("attachments."));

describe("the composer's attachments", () => {
    test("in the desktop app a dropped file is read by its path; pasted data, which has none, is uploaded", async () => {
        const {peer, store} = await setup(desktopFiles);
        expect(store.getState().attachesByPath).toBe(true);
        await store.getState().attachFiles([dropped, pasted]);
        expect(peer.calls.filter((call) => call.name === "attachments.addPath").map((call) => call.args[0])).toEqual([{path: "/home/ada/notes.md"}]);
        expect(requestNames(peer.calls)).toEqual(["attachments.addPath", "attachments.begin", "attachments.finish"]);
        expect(store.getState().pendingAttachments.map((pending) => [pending.name, pending.status])).toEqual([["notes.md", "ready"], ["pasted.txt", "ready"]]);
    });

    test("in a browser every file is uploaded, none is read by path", async () => {
        const {peer, store} = await setup();
        expect(store.getState().attachesByPath).toBe(false);
        await store.getState().attachFiles([dropped, pasted]);
        expect(requestNames(peer.calls)).toEqual(["attachments.begin", "attachments.finish", "attachments.begin", "attachments.finish"]);
    });

    test("the desktop paperclip attaches what the open dialog picked, each with its own chip; a vanished one keeps its reason", async () => {
        const {peer, store} = await setup(desktopFiles);
        await store.getState().attachPicked();
        expect(requestNames(peer.calls)).toEqual(["attachments.pick", "attachments.addPath", "attachments.addPath"]);
        expect(store.getState().pendingAttachments).toEqual([
            expect.objectContaining({name: "thesis.pdf", status: "ready", attachment: attachmentNamed("thesis.pdf")}),
            expect.objectContaining({name: "gone.md", status: "error", error: {code: "attachment.disappeared", params: {name: "gone.md"}}})
        ]);
    });
});
