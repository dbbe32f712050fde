import OpenAI from "openai";
import {beforeAll, afterAll, expect} from "vitest";
import type {PonderCore} from "../../../electron/core/PonderCore.ts";
import {OpenAiApi, type OpenAiApiOptions} from "../../../electron/server/openai/OpenAiApi.ts";
import {PonderServer} from "../../../electron/server/PonderServer.ts";
import type {FixtureModels} from "../../fixtures/models/fixtureModels.ts";
import {useCoreWorkspace} from "./useCoreWorkspace.ts";

export interface ApiServer {
    readonly core: PonderCore;
    /** The server's origin; the API is under `/v1`. */
    readonly origin: string;
    /** The official client, with the key and no retries. */
    readonly client: OpenAI;
    readonly apiKey: string;
}

/**
 * The `/v1` tests' common ground, registered as the calling file's hooks: one core for the whole
 * file over the given fixture models (greedy sampling, a 4,096-token context), `load` loaded, and
 * Ponder's server with the OpenAI-compatible API on a free port.
 */
export function useApiServer(prefix: string, models: Record<string, keyof FixtureModels>, {load, api}: {load: string; api?: Omit<OpenAiApiOptions, "models" | "apiKey">}): ApiServer {
    const apiKey = "test-key-0123456789";
    const workspace = useCoreWorkspace(prefix, models, {coresLast: "file"});
    let started: {core: PonderCore; server: PonderServer; origin: string; client: OpenAI} | undefined;

    beforeAll(async () => {
        const core = await workspace.openCore({load: {threads: 1, contextSize: 4096}, chats: {generation: {sampling: {temperature: 0}}}});
        expect((await core.handlers["models.load"]({modelId: load})).status).toBe("ready");
        const server = new PonderServer(core, {rendererDir: workspace.dir, token: "page-token", api: new OpenAiApi({...api, models: core.models, apiKey: () => apiKey})});
        const origin = new URL(await server.listen()).origin;
        started = {core, server, origin, client: new OpenAI({baseURL: `${origin}/v1`, apiKey, maxRetries: 0})};
    });
    // Registered after the workspace's hooks, so it runs before the core is disposed.
    afterAll(async () => {
        await started?.server.close();
    });

    const get = () => {
        if (started == null)
            throw new Error("The server is up once the file's beforeAll has run.");
        return started;
    };
    return {
        get core() {
            return get().core;
        },
        get origin() {
            return get().origin;
        },
        get client() {
            return get().client;
        },
        apiKey
    };
}
