import {copyFileSync, mkdirSync, mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {afterAll, beforeAll, expect, test} from "vitest";
import {PonderCore} from "../../electron/core/PonderCore.ts";
import {OpenAiApi} from "../../electron/server/openai/OpenAiApi.ts";
import {PonderServer} from "../../electron/server/PonderServer.ts";
import {ensureFixtureModels} from "../fixtures/models/fixtureModels.ts";
import {hugePrompt} from "../fixtures/hugePrompt.ts";

const apiKey = "test-key-0123456789";
let dir: string;
let core: PonderCore;
let server: PonderServer;
let origin: string;

beforeAll(async () => {
    const fixtures = await ensureFixtureModels();
    dir = mkdtempSync(path.join(tmpdir(), "ponder-huge-prompt-"));
    mkdirSync(path.join(dir, "models"));
    copyFileSync(fixtures.prefilled, path.join(dir, "models", "tiny.gguf"));
    core = await PonderCore.create({
        dataDir: path.join(dir, "data"), modelsDir: path.join(dir, "models"), shell: "headless", version: "test",
        runtime: {gpu: false}, load: {threads: 1, contextSize: 2048}
    });
    expect((await core.handlers["models.load"]({modelId: "tiny.gguf"})).status).toBe("ready");
    server = new PonderServer(core, {rendererDir: dir, token: "page-token", api: new OpenAiApi({models: core.models, apiKey: () => apiKey})});
    origin = new URL(await server.listen()).origin;
});

afterAll(async () => {
    await server?.close();
    await core?.dispose();
    if (dir != null)
        rmSync(dir, {recursive: true, force: true});
});

test("while a 4 MB prompt is tokenized, other clients are served, and the prompt is then refused as too long", async () => {
    let promptDone = false;
    // The path chats and /v1 share: the loaded model fits the prompt, which tokenizes it.
    const reply = core.models.localModel!.generate({turns: [{role: "user", text: hugePrompt(4_000_000)}]}).finally(() => {
        promptDone = true;
    });
    reply.catch(() => undefined);

    const models = await fetch(`${origin}/v1/models`, {headers: {authorization: `Bearer ${apiKey}`}});
    const info = await core.handlers["app.getInfo"](undefined);
    expect(models.status).toBe(200);
    expect(info.version).toBe("test");
    // Tokenizing on the event loop answered them only after the prompt had been refused.
    expect(promptDone).toBe(false);

    await expect(reply).rejects.toMatchObject({code: "reply.conversationTooLong", params: {contextSize: 2048}});
});
