import {spawn} from "node:child_process";
import {once} from "node:events";
import {createInterface} from "node:readline";
import {fileURLToPath} from "node:url";
import {OpenAiApi} from "../../../electron/server/openai/OpenAiApi.ts";
import {PonderServer} from "../../../electron/server/PonderServer.ts";
import type {LlamaRuntimeOptions} from "../../../native/index.ts";
import {openBenchCore} from "./openBenchCore.ts";

export interface PonderServerProcess {
    /** Ponder's `/v1` base address in the child process. */
    baseUrl: string;
    model: string;
    apiKey: string;
    stop(): Promise<void>;
}

interface ServerOptions {
    contextSize: number;
    threads: number;
    parallel: number;
    llamaBuild: NonNullable<LlamaRuntimeOptions["llamaBuild"]>;
}

const apiKey = "bench";

/**
 * Ponder serving `/v1` in a process of its own, as llama-server does, so a bench's clients don't
 * share its event loop (their parsing of the stream cost Ponder 4 % of its 2-thread decode speed
 * in-process: 0.927 against 0.968 of llama-server in one run). Also how a bench runs Ponder on the
 * prebuilt binaries beside the OpenMP build, since one process holds one llama.cpp build. It
 * serves until stopped.
 */
export async function startPonderServerProcess(options: ServerOptions): Promise<PonderServerProcess> {
    const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), JSON.stringify(options)], {stdio: ["pipe", "pipe", "inherit"]});
    const exited = once(child, "exit");
    const firstLine = await Promise.race([
        once(createInterface({input: child.stdout!}), "line").then(([line]) => line as string),
        exited.then(([code]) => Promise.reject(new Error(`The Ponder server process exited (${String(code)}) before serving.`)))
    ]);
    const {baseUrl, model} = JSON.parse(firstLine) as {baseUrl: string; model: string};
    return {
        baseUrl, model, apiKey,
        async stop() {
            child.stdin!.end();
            await exited;
        }
    };
}

// The child: serves until its parent closes stdin.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
    const {contextSize, threads, parallel, llamaBuild} = JSON.parse(process.argv[2]!) as ServerOptions;
    const bench = await openBenchCore({contextSize, threads, parallel, llamaBuild});
    const server = new PonderServer(bench.core, {rendererDir: bench.dir, api: new OpenAiApi({models: bench.core.models, apiKey: () => apiKey})});
    const origin = new URL(await server.listen()).origin;
    process.stdout.write(`${JSON.stringify({baseUrl: `${origin}/v1`, model: bench.modelId})}\n`);
    process.stdin.resume();
    await once(process.stdin, "end");
    await server.close();
    await bench.close();
}
