import {copyFileSync} from "node:fs";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {LlamaRuntime} from "../../native/index.ts";
import {FakeHub} from "../fixtures/hub/FakeHub.ts";
import {useCoreWorkspace} from "./support/useCoreWorkspace.ts";
import {describeFailure} from "../../electron/contract/errors.ts";

// Two whole models named as the two parts of one: llama.cpp aborted the process on them.
const workspace = useCoreWorkspace("ponder-split-", {});
let hub: FakeHub;
const parts = ["Whole-00001-of-00002.gguf", "Whole-00002-of-00002.gguf"];
const refused = {code: "model.splitInconsistent", params: {part: 1, parts: 2}};

beforeAll(async () => {
    const {endless, endlessWritesThink} = workspace.fixtures;
    copyFileSync(endless, path.join(workspace.dir, "models", parts[0]!));
    copyFileSync(endlessWritesThink, path.join(workspace.dir, "models", parts[1]!));
    hub = await FakeHub.start();
    await hub.addFile("tiny/Whole-GGUF", parts[0]!, endless);
    await hub.addFile("tiny/Whole-GGUF", parts[1]!, endlessWritesThink);
});
afterAll(() => hub?.close());

describe("a split GGUF whose parts don't belong together", () => {
    test("is refused with a code before llama.cpp reads it: fit estimate, load, over the hub; the process keeps going", async () => {
        const core = await workspace.openCore({hubUrl: hub.url});
        await expect(core.handlers["models.estimateFit"]({modelId: parts[0]!})).rejects.toMatchObject(refused);
        await expect(core.handlers["models.estimateFit"]({address: `hf:tiny/Whole-GGUF/${parts[0]!}`})).rejects.toMatchObject(refused);
        const state = await core.handlers["models.load"]({modelId: parts[0]!});
        expect(state.status).toBe("error");
        expect(describeFailure(state.error!, "en")).toContain("don't belong together");

        // A whole model still loads afterwards, in the same process.
        copyFileSync(workspace.fixtures.prefilled, path.join(workspace.dir, "models", "tiny.gguf"));
        expect((await core.handlers["models.load"]({modelId: "tiny.gguf"})).status).toBe("ready");
    });

    test("the runtime refuses it too, for any caller of native/", async () => {
        const runtime = await LlamaRuntime.create({gpu: false});
        try {
            await expect(runtime.loadModel(path.join(workspace.dir, "models", parts[0]!), {threads: 1, contextSize: 512})).rejects.toMatchObject(refused);
        } finally {
            await runtime.dispose();
        }
    });
});
