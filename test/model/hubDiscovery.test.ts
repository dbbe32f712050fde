import {readFileSync} from "node:fs";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import type {Download} from "../../electron/contract.ts";
import type {PonderCore} from "../../electron/core/PonderCore.ts";
import {FakeHub} from "../fixtures/hub/FakeHub.ts";
import {expectedTexts} from "../fixtures/models/scriptedModel.ts";
import {qwqChatTemplate} from "../fixtures/models/qwqChatTemplate.ts";
import {useCoreWorkspace} from "./support/useCoreWorkspace.ts";

const workspace = useCoreWorkspace("ponder-hub-", {});
let hub: FakeHub;

beforeAll(async () => {
    hub = await FakeHub.start();
    const {prefilled, notGguf} = workspace.fixtures;
    // A repository as quantizers publish them: several quantizations, one split in two parts, and a vision projector.
    // The fixtures can't write a real split GGUF, and two whole models as parts would make llama.cpp abort on
    // duplicate tensors: the parts are text files, which only their grouping and sizes need.
    await hub.addFile("tiny/Thinker-GGUF", "Thinker-Q4_K_M.gguf", prefilled);
    await hub.addFile("tiny/Thinker-GGUF", "Thinker-Q8_0-00001-of-00002.gguf", notGguf);
    await hub.addFile("tiny/Thinker-GGUF", "Thinker-Q8_0-00002-of-00002.gguf", notGguf);
    await hub.addFile("tiny/Thinker-GGUF", "mmproj-Thinker-F16.gguf", prefilled);
    await hub.addFile("tiny/Thinker-GGUF", "README.md", notGguf);
    hub.describeRepo("tiny/Thinker-GGUF", {downloads: 500, likes: 7, lastModified: "2026-03-01T10:00:00.000Z", tags: ["gguf", "license:apache-2.0"], chatTemplate: qwqChatTemplate});
    // Thirty more, to page through, and one repository without GGUF files that the search must not list.
    for (let index = 0; index < 30; index++)
        hub.describeRepo(`many/Thinker-${index}-GGUF`, {downloads: index, lastModified: new Date(Date.UTC(2026, 0, 1 + index)).toISOString(), tags: ["gguf", "reasoning"]});
    hub.describeRepo("plain/Thinker-safetensors", {downloads: 10_000, tags: ["safetensors"]});
    await hub.addFile("locked/Gated-GGUF", "Gated-Q4_K_M.gguf", prefilled);
    hub.gate("locked/Gated-GGUF", "hf_granted");
});
afterAll(() => hub?.close());

const openCore = () => workspace.openCore({hubUrl: hub.url, downloads: {reserveBytes: 0, backoffMs: 10, retries: 0}});

function settled(core: PonderCore, downloadId: string): Promise<Download> {
    return new Promise((resolve) => {
        const check = () => {
            const download = core.downloads.list().find((candidate) => candidate.id === downloadId);
            if (download != null && (download.status === "done" || download.status === "error")) {
                unsubscribe();
                resolve(download);
            }
        };
        const unsubscribe = core.events.on(check);
        check();
    });
}

describe("searching the hub", () => {
    test("finds GGUF repositories by name, most downloaded first, a page at a time, with their facts", async () => {
        const core = await openCore();
        const first = await core.handlers["hub.search"]({query: "thinker", sort: "downloads"});
        expect(first.models).toHaveLength(20);
        expect(first.models.map((model) => model.id)).not.toContain("plain/Thinker-safetensors");
        expect(first.models[0]).toEqual({
            id: "tiny/Thinker-GGUF", author: "tiny", downloads: 500, likes: 7,
            lastModified: Date.parse("2026-03-01T10:00:00.000Z"), licence: "apache-2.0", reasons: true, gated: false
        });
        expect(first.next).not.toBeNull();
        const second = await core.handlers["hub.search"]({query: "thinker", sort: "downloads", cursor: first.next!});
        // 31 GGUF repositories are named Thinker: 11 on the second page.
        expect(second.models).toHaveLength(11);
        expect(second.next).toBeNull();
        const all = [...first.models, ...second.models].map((model) => model.downloads);
        expect(all).toEqual([...all].sort((a, b) => b - a));
        // Reasoning comes from the tags when the template isn't given.
        expect(second.models.find((model) => model.id.startsWith("many/"))?.reasons).toBe(true);

        const recent = await core.handlers["hub.search"]({query: "Thinker-2", sort: "recent"});
        expect(recent.models.map((model) => model.id).slice(0, 3)).toEqual(["many/Thinker-29-GGUF", "many/Thinker-28-GGUF", "many/Thinker-27-GGUF"]);
        const search = hub.requests.filter((request) => request.path === "/api/models");
        expect(search.length).toBe(3);
    });

    test("a repository's page lists its GGUF files by quantization, a split model as one, and each can be checked for fit, downloaded and loaded", async () => {
        const core = await openCore();
        const page = await core.handlers["hub.repository"]({repo: "tiny/Thinker-GGUF"});
        const {prefilled, notGguf} = workspace.fixtures;
        const size = (file: string) => readFileSync(file).length;
        expect(page).toMatchObject({id: "tiny/Thinker-GGUF", licence: "apache-2.0", reasons: true, gated: false});
        // Smallest first.
        expect(page.quantizations).toEqual([
            {quantization: "Q8_0", fileName: "Thinker-Q8_0.gguf", parts: 2, sizeBytes: 2 * size(notGguf), address: "hf:tiny/Thinker-GGUF/Thinker-Q8_0-00001-of-00002.gguf"},
            {quantization: "Q4_K_M", fileName: "Thinker-Q4_K_M.gguf", parts: 1, sizeBytes: size(prefilled), address: "hf:tiny/Thinker-GGUF/Thinker-Q4_K_M.gguf"}
        ]);

        // The split "model" is two text files: its estimate fails with the reader's reason, and the app goes on.
        await expect(core.handlers["models.estimateFit"]({address: page.quantizations[0]!.address})).rejects.toThrow();
        const q4 = page.quantizations[1]!;
        const fit = await core.handlers["models.estimateFit"]({address: q4.address});
        expect(fit).toMatchObject({verdict: "cpu"});
        expect(fit.contextSize).toBeGreaterThan(0);

        const download = await core.handlers["downloads.add"]({address: q4.address});
        const done = await settled(core, download.id);
        expect(done).toMatchObject({status: "done", verified: true, modelId: "tiny/Thinker-GGUF/Thinker-Q4_K_M.gguf"});
        expect(await core.handlers["models.load"]({modelId: done.modelId!})).toMatchObject({status: "ready", thinks: true});
        const reply = await core.handlers["chats.send"]({text: "Hello"});
        await expect.poll(() => core.chats.get(reply.chatId).messages.at(-1)?.text).toBe(expectedTexts.answer);
    });
});

describe("reaching the hub", () => {
    test("a gated repository says how to get in; with the granted token its header is read and its file downloads, and the token is sealed", async () => {
        const core = await openCore();
        const page = await core.handlers["hub.repository"]({repo: "locked/Gated-GGUF"});
        expect(page.gated).toBe(true);
        const {address} = page.quantizations[0]!;
        const gated = `locked/Gated-GGUF is gated: accept its licence on ${new URL(hub.url).host} while signed in, then add a Hugging Face token under Models.`;
        await expect(core.handlers["models.estimateFit"]({address})).rejects.toThrow(gated);
        const refused = await settled(core, (await core.handlers["downloads.add"]({address})).id);
        expect(refused.error).toEqual({code: "download.refusedGated", params: {status: "401 Unauthorized"}});

        // A token the repository doesn't accept is still refused (403), with the same advice.
        await core.handlers["hub.setToken"]({token: "hf_other"});
        await expect(core.handlers["models.estimateFit"]({address})).rejects.toThrow(gated);

        expect(await core.handlers["hub.setToken"]({token: "hf_granted"})).toMatchObject({hasToken: true, protection: "key-file"});
        expect(await core.handlers["models.estimateFit"]({address})).toMatchObject({verdict: "cpu"});
        await core.handlers["downloads.resume"]({downloadId: refused.id});
        expect(await settled(core, refused.id)).toMatchObject({status: "done", error: null});

        await workspace.closeCore(core);
        expect(readFileSync(path.join(workspace.dir, "data", "ponder.db")).includes("hf_granted")).toBe(false);
        const reopened = await openCore();
        expect(await reopened.handlers["hub.getSettings"](undefined)).toMatchObject({hasToken: true});
        expect(await reopened.handlers["hub.setToken"]({token: null})).toMatchObject({hasToken: false});
    });

    test("a rate limit and an unreachable hub each get their own message; nothing breaks", async () => {
        const core = await openCore();
        hub.failNextApiRequests(429);
        await expect(core.handlers["hub.search"]({query: "thinker", sort: "downloads"}))
            .rejects.toThrow(`${new URL(hub.url).host} is limiting how often Ponder may ask (429 Too Many Requests). Wait a few minutes; a Hugging Face token raises the limit.`);
        expect((await core.handlers["hub.search"]({query: "thinker", sort: "downloads"})).models.length).toBeGreaterThan(0);

        // A hub that was there and is gone: nothing listens on its port any more.
        const gone = await FakeHub.start();
        const goneUrl = gone.url;
        await gone.close();
        const offline = await workspace.openCore({hubUrl: goneUrl, dataDir: path.join(workspace.dir, "offline")});
        const unreachable = `Could not reach ${new URL(goneUrl).host}: ECONNREFUSED`;
        await expect(offline.handlers["hub.search"]({query: "thinker", sort: "downloads"})).rejects.toThrow(unreachable);
        await expect(offline.handlers["hub.repository"]({repo: "tiny/Thinker-GGUF"})).rejects.toThrow(unreachable);
        await expect(core.handlers["hub.repository"]({repo: "nobody/Nothing-GGUF"})).rejects.toThrow(`nobody/Nothing-GGUF does not exist on ${new URL(hub.url).host} (or is private).`);
    });
});
