import {spawn} from "node:child_process";
import {once} from "node:events";
import {createInterface} from "node:readline";
import {fileURLToPath} from "node:url";
import {OpenAiApi} from "../../../electron/server/openai/OpenAiApi.ts";
import {PonderServer} from "../../../electron/server/PonderServer.ts";
import {openBenchCore} from "./openBenchCore.ts";

export interface PrebuiltPonderServer {
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
}

const apiKey = "bench";

/**
 * Ponder on node-llama-cpp's prebuilt binaries, beside a bench that runs the OpenMP build: in a
 * process of its own, since one process holds one llama.cpp build. It serves `/v1` until
 * stopped.
 */
export async function startPrebuiltPonderServer(options: ServerOptions): Promise<PrebuiltPonderServer> {
    const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), JSON.stringify(options)], {stdio: ["pipe", "pipe", "inherit"]});
    const exited = once(child, "exit");
    const firstLine = await Promise.race([
        once(createInterface({input: child.stdout!}), "line").then(([line]) => line as string),
        exited.then(([code]) => Promise.reject(new Error(`The prebuilt Ponder server exited (${String(code)}) before serving.`)))
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
    const {contextSize, threads, parallel} = JSON.parse(process.argv[2]!) as ServerOptions;
    const bench = await openBenchCore({contextSize, threads, parallel, llamaBuild: "prebuilt"});
    const server = new PonderServer(bench.core, {rendererDir: bench.dir, api: new OpenAiApi({models: bench.core.models, apiKey: () => apiKey})});
    const origin = new URL(await server.listen()).origin;
    process.stdout.write(`${JSON.stringify({baseUrl: `${origin}/v1`, model: bench.modelId})}\n`);
    process.stdin.resume();
    await once(process.stdin, "end");
    await server.close();
    await bench.close();
}
