import {execFile} from "node:child_process";
import {copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {promisify} from "node:util";
import {monitorEventLoopDelay} from "node:perf_hooks";
import {PonderCore} from "../../electron/core/PonderCore.ts";
import {OpenAiApi} from "../../electron/server/openai/OpenAiApi.ts";
import {PonderServer} from "../../electron/server/PonderServer.ts";
import {ensureFixtureModels} from "../fixtures/models/fixtureModels.ts";
import {hugePrompt} from "../fixtures/hugePrompt.ts";
import {round1, round2, type Measure} from "./measure.ts";

/**
 * How long the server's event loop stalls while a ~4 MB prompt arrives through `/v1`, against an
 * ordinary short request on the same server: the longest stall is how long every other client
 * (the page, other API clients, downloads) waits. Also counts the `/v1/models` answers another
 * client got meanwhile.
 */
export async function eventLoopBench(): Promise<Measure[]> {
    const fixtures = await ensureFixtureModels();
    const dir = mkdtempSync(path.join(tmpdir(), "ponder-bench-loop-"));
    mkdirSync(path.join(dir, "models"));
    copyFileSync(fixtures.prefilled, path.join(dir, "models", "tiny.gguf"));
    const core = await PonderCore.create({
        dataDir: path.join(dir, "data"), modelsDir: path.join(dir, "models"), shell: "headless", version: "bench",
        runtime: {gpu: false}, load: {threads: 1, contextSize: 2048}
    });
    const apiKey = "bench";
    const server = new PonderServer(core, {rendererDir: dir, api: new OpenAiApi({models: core.models, apiKey: () => apiKey})});
    try {
        if ((await core.handlers["models.load"]({modelId: "tiny.gguf"})).status !== "ready")
            throw new Error("The fixture model did not load.");
        const origin = new URL(await server.listen()).origin;
        const headers = {"content-type": "application/json", authorization: `Bearer ${apiKey}`};
        const complete = (text: string) => fetch(`${origin}/v1/chat/completions`, {
            method: "POST", headers,
            body: JSON.stringify({model: "tiny.gguf", max_tokens: 8, messages: [{role: "user", content: text}]})
        }).then(async (response) => ({status: response.status, body: await response.text()}));

        /** The event loop's longest stall and the `/v1/models` answers served while `work` ran. */
        const during = async (work: () => Promise<unknown>) => {
            const histogram = monitorEventLoopDelay({resolution: 5});
            let running = true;
            let served = 0;
            const poll = (async () => {
                while (running) {
                    // A reset counts as not served: a stalled server's keep-alive sockets can be cut under the client.
                    const response = await fetch(`${origin}/v1/models`, {headers}).catch(() => undefined);
                    if (response?.ok === true) {
                        await response.arrayBuffer();
                        served++;
                    }
                }
            })();
            histogram.enable();
            await work();
            histogram.disable();
            running = false;
            await poll;
            return {maxLagMs: histogram.max / 1e6, served};
        };

        await complete("Warm up.");
        // Just under the API's 4 MiB body limit; far more than the context holds, so it's refused after tokenizing.
        const prompt = hugePrompt(4_000_000);
        await complete(prompt.slice(0, 100_000));
        const ordinary = await during(() => complete("How would you sort 100 numbers by hand?"));
        // Sent from another process, so the client's own work of writing 4 MB isn't counted as the server's.
        const bodyPath = path.join(dir, "huge.json");
        writeFileSync(bodyPath, JSON.stringify({model: "tiny.gguf", max_tokens: 8, messages: [{role: "user", content: prompt}]}));
        const sendHuge = `fetch(process.argv[1], {method: "POST", headers: JSON.parse(process.argv[2]), body: require("node:fs").readFileSync(process.argv[3])})
            .then(async (response) => console.log(response.status, await response.text()))`;
        const huge = await during(async () => {
            const {stdout} = await promisify(execFile)(process.execPath, ["-e", sendHuge, `${origin}/v1/chat/completions`, JSON.stringify(headers), bodyPath]);
            if (!stdout.startsWith("400 "))
                throw new Error(`The 4 MB prompt was answered ${stdout.slice(0, 200)}`);
        });
        return [
            {measure: "eventloop.ordinary_request_max_lag", value: round1(ordinary.maxLagMs), unit: "ms", target: null},
            {measure: "eventloop.4mb_prompt_max_lag", value: round1(huge.maxLagMs), unit: "ms", target: null},
            {measure: "eventloop.4mb_prompt_to_ordinary_max_lag_ratio", value: round2(huge.maxLagMs / ordinary.maxLagMs), unit: "ratio", target: "<= 10"},
            {measure: "eventloop.models_answers_during_4mb_prompt", value: huge.served, unit: "requests", target: null}
        ];
    } finally {
        await server.close();
        await core.dispose();
        rmSync(dir, {recursive: true, force: true});
    }
}
