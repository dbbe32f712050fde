import path from "node:path";
import OpenAI from "openai";
import {afterEach, describe, expect, test} from "vitest";
import {OpenAiApi} from "../../electron/server/openai/OpenAiApi.ts";
import {PonderServer} from "../../electron/server/PonderServer.ts";
import {useCoreWorkspace} from "./support/useCoreWorkspace.ts";

const workspace = useCoreWorkspace("ponder-embeddings-api-", {"topics-embedding.gguf": "embedding", "qwq-tiny.gguf": "prefilled"});
const apiKey = "test-key-0123456789";
const servers: PonderServer[] = [];

afterEach(async () => {
    for (const server of servers.splice(0))
        await server.close();
});

async function serve(modelsDir = "models") {
    const core = await workspace.openCore({modelsDir: path.join(workspace.dir, modelsDir)});
    const server = new PonderServer(core, {rendererDir: workspace.dir, api: new OpenAiApi({models: core.models, embeddings: core.embeddings, apiKey: () => apiKey})});
    servers.push(server);
    const origin = new URL(await server.listen()).origin;
    return {core, client: new OpenAI({baseURL: `${origin}/v1`, apiKey, maxRetries: 0}), origin};
}

const cosine = (a: readonly number[], b: readonly number[]) => a.reduce((sum, value, index) => sum + value * b[index]!, 0);

describe("POST /v1/embeddings", () => {
    test("the official client gets unit vectors from the embedding model, the same as the core computes, in order, with usage", async () => {
        const {core, client} = await serve();
        // OpenAI's client asks for base64 by default and decodes it: this checks that encoding.
        const result = await client.embeddings.create({model: "topics-embedding.gguf", input: ["Lava and magma", "Bread from the oven", "火山"]});
        expect(result.object).toBe("list");
        expect(result.model).toBe("topics-embedding.gguf");
        expect(result.data.map((item) => item.index)).toEqual([0, 1, 2]);
        const [lava, bread, volcano] = result.data.map((item) => item.embedding);
        expect(Math.hypot(...lava!)).toBeCloseTo(1, 5);
        expect(cosine(lava!, volcano!)).toBeGreaterThan(0.9);
        expect(cosine(lava!, bread!)).toBeLessThan(0.1);
        const {model} = await core.embeddings.active();
        expect(lava).toEqual(Array.from(await model.embed("Lava and magma")));
        const tokens = ["Lava and magma", "Bread from the oven", "火山"].reduce((sum, text) => sum + model.countTokens(text), 0);
        expect(result.usage).toEqual({prompt_tokens: tokens, total_tokens: tokens});

        const floats = await client.embeddings.create({model: "topics-embedding.gguf", input: "Lava and magma", encoding_format: "float"});
        expect(floats.data[0]!.embedding).toEqual(lava);
    });

    test("the embedding model is listed; a wrong model, token arrays and dimensions are refused in OpenAI's error shape", async () => {
        const {client} = await serve();
        expect((await client.models.list()).data.map((model) => model.id)).toContain("topics-embedding.gguf");
        await expect(client.embeddings.create({model: "text-embedding-3-small", input: "x"})).rejects.toMatchObject({status: 404, code: "model_not_found"});
        await expect(client.embeddings.create({model: "topics-embedding.gguf", input: [[1, 2, 3]]})).rejects.toMatchObject({status: 400, param: "input"});
        await expect(client.embeddings.create({model: "topics-embedding.gguf", input: "x", dimensions: 8})).rejects.toMatchObject({status: 400, param: "dimensions"});
    });

    test("without an embedding model, the 404 says to download one", async () => {
        const {client} = await serve("no-models");
        const refusal = client.embeddings.create({model: "topics-embedding.gguf", input: "x"});
        await expect(refusal).rejects.toMatchObject({status: 404, code: "model_not_found"});
        await expect(refusal).rejects.toThrow(/Download an embedding model/);
    });
});
