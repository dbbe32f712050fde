import {afterEach, describe, expect, test} from "vitest";
import type {Download, FitEstimate, ModelFile} from "../../../electron/contract.ts";
import {attachConnection} from "../../../renderer/src/store/attachConnection.ts";
import {createPonderStore} from "../../../renderer/src/store/createPonderStore.ts";
import {failureIn} from "../../../renderer/src/store/requestAction.ts";
import {closeConnectedPairs, connectPair, until} from "./rpcPeer.ts";
import type {PeerHandlers} from "./rpcPeer.ts";

afterEach(closeConnectedPairs);

const download: Download = {
    id: "d1", address: "qwq-32b-q4_k_m", title: "QwQ-32B Q4_K_M", files: [{name: "qwq-32b-q4_k_m.gguf", sizeBytes: 1000}],
    totalBytes: 1000, receivedBytes: 250, bytesPerSecond: 100, etaSeconds: 8, status: "downloading", error: null,
    verified: true, modelId: null, createdAt: 1
};
const fit: FitEstimate = {
    verdict: "partial", modelBytes: 900, ramBytes: 700, vramBytes: 400, availableRamBytes: 800,
    availableVramBytes: 500, contextSize: 8192, trainContextSize: 131072, parallel: 4, kvCacheType: "f16"
};
const file: ModelFile = {id: "a.gguf", fileName: "a.gguf", sizeBytes: 10};

async function setup(handlers: PeerHandlers) {
    const {peer, bridge} = await connectPair({
        "chats.list": () => ({chats: [], more: false}), "models.list": () => [file], "models.getState": () => ({status: "empty"}),
        "app.getInfo": () => ({version: "0", shell: "headless", platform: "linux", arch: "x64", modelsDir: "/m", dataDir: "/d"}),
        ...handlers
    });
    const store = createPonderStore(bridge.api);
    return {peer, bridge, store};
}

describe("the Models view's slices: downloads and model files", () => {
    test("download progress events reach the store; the catalog loads with the queue and the app's info", async () => {
        const {peer, bridge, store} = await setup({"catalog.list": () => [], "downloads.list": () => [download]});
        const detach = attachConnection(store, bridge);
        await store.getState().loadCatalog();
        expect(store.getState().downloads).toEqual([download]);
        expect(store.getState()).toMatchObject({shell: "headless", modelsDir: "/m", dataDir: "/d"});
        await peer.emit("downloads.changed", [{...download, receivedBytes: 600}]);
        await until(() => store.getState().downloads[0]?.receivedBytes === 600);
        detach();
    });

    test("adding an address the main side refuses fails with its message; a good one succeeds", async () => {
        const {store} = await setup({
            "downloads.add": ({address}) => {
                if (address.startsWith("hf:nobody"))
                    throw new Error("nobody/x does not exist on huggingface.co (or is private).");
                return download;
            }
        });
        expect(await store.getState().addDownload("hf:nobody/x:Q4_K_M")).toEqual({ok: false, failure: "nobody/x does not exist on huggingface.co (or is private)."});
        expect(await store.getState().addDownload("qwq-32b-q4_k_m")).toEqual({ok: true, value: download});
    });

    test("a fit estimate is pending, then known; a failed one keeps its reason", async () => {
        const {store} = await setup({
            "models.estimateFit": (args) => {
                if ("address" in args && args.address === "missing")
                    throw new Error("Could not reach the hub.");
                return fit;
            }
        });
        const pending = store.getState().estimateFit("qwq", {address: "qwq-32b-q4_k_m"});
        expect(store.getState().fits.qwq).toEqual({status: "pending"});
        await pending;
        expect(store.getState().fits.qwq).toEqual({status: "done", fit});
        await store.getState().estimateFit("missing", {address: "missing"});
        expect(store.getState().fits.missing).toEqual({status: "error", error: "Could not reach the hub."});
    });

    test("delete and import update the model list with the main side's answer", async () => {
        const imported: ModelFile = {id: "/elsewhere/b.gguf", fileName: "b.gguf", sizeBytes: 20, imported: true};
        const {store} = await setup({
            "models.delete": () => [],
            "models.import": ({path}) => {
                if (path === "/nothing")
                    throw new Error("There is no file or folder at /nothing.");
                return [file, imported];
            }
        });
        expect((await store.getState().importModel("/elsewhere/b.gguf")).ok).toBe(true);
        expect(store.getState().modelFiles).toEqual([file, imported]);
        expect(await store.getState().importModel("/nothing")).toEqual({ok: false, failure: "There is no file or folder at /nothing."});
        await store.getState().deleteModel("a.gguf");
        expect(store.getState().modelFiles).toEqual([]);
    });

    test("reveal sends only the model's id; picked files update the list, and a refusal comes back as its message", async () => {
        const imported: ModelFile = {id: "/elsewhere/b.gguf", fileName: "b.gguf", sizeBytes: 20, imported: true};
        const revealed: unknown[] = [];
        let desktop = true;
        const {store} = await setup({
            "models.reveal": (args) => void revealed.push(args),
            "models.importPicked": () => {
                if (!desktop)
                    throw new Error("Only the desktop app can open the file manager or a file dialog; in a browser, type the file's path.");
                return [file, imported];
            }
        });
        await store.getState().revealModel("a.gguf");
        expect(revealed).toEqual([{modelId: "a.gguf"}]);
        expect((await store.getState().importPickedModels()).ok).toBe(true);
        expect(store.getState().modelFiles).toEqual([file, imported]);
        desktop = false;
        expect(failureIn(await store.getState().importPickedModels())).toMatch(/^Only the desktop app/);
    });
});
