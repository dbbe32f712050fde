import {spawn, spawnSync, type ChildProcess} from "node:child_process";
import {existsSync, mkdirSync} from "node:fs";
import {homedir} from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";

/**
 * llama.cpp's own server, built from the very llama.cpp node-llama-cpp ships (its source is the
 * git bundle in the package), as the peer the parallel bench compares against. The build
 * (about ten minutes on two cores) is cached outside the repository — in
 * `$PONDER_LLAMA_CPP_DIR`, else `~/.cache/ponder/llama.cpp` — and only the bench ever makes it.
 */
export function llamaCppDir(): string {
    return process.env.PONDER_LLAMA_CPP_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), ".cache"), "ponder", "llama.cpp");
}

/** The `llama-server` binary, built first when the cache doesn't have it. */
export function locateLlamaServer(): string {
    const dir = llamaCppDir();
    const binary = path.join(dir, "build", "bin", "llama-server");
    if (existsSync(binary))
        return binary;
    const bundle = fileURLToPath(new URL("../../../node_modules/node-llama-cpp/llama/gitRelease.bundle", import.meta.url));
    console.log(`  building llama-server from ${bundle} into ${dir} (about ten minutes on two cores)…`);
    if (!existsSync(path.join(dir, "CMakeLists.txt"))) {
        mkdirSync(path.dirname(dir), {recursive: true});
        run("git", ["clone", "--quiet", bundle, dir]);
    }
    run("cmake", ["-S", dir, "-B", path.join(dir, "build"), "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release", "-DLLAMA_CURL=OFF"]);
    run("cmake", ["--build", path.join(dir, "build"), "--target", "llama-server", "llama-bench"]);
    return binary;
}

function run(command: string, args: string[]) {
    const result = spawnSync(command, args, {stdio: "inherit"});
    if (result.status !== 0)
        throw new Error(`${command} ${args.join(" ")} failed (${result.status ?? result.signal}).`);
}

export interface RunningLlamaServer {
    /** The OpenAI-compatible base address, `http://127.0.0.1:PORT/v1`. */
    baseUrl: string;
    /** The model id it answers to. */
    model: string;
    stop(): Promise<void>;
}

/** Starts `llama-server` on a free port with `parallel` slots of `contextSize` tokens each, and waits until it serves. */
export async function startLlamaServer({modelPath, threads, parallel, contextSize}: {modelPath: string; threads: number; parallel: number; contextSize: number}): Promise<RunningLlamaServer> {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child: ChildProcess = spawn(locateLlamaServer(), [
        "-m", modelPath, "--host", "127.0.0.1", "--port", String(port),
        "-t", String(threads), "-tb", String(threads),
        "--parallel", String(parallel), "-c", String(contextSize * parallel),
        "--no-webui", "--log-disable"
    ], {stdio: ["ignore", "ignore", "pipe"]});
    let output = "";
    child.stderr!.on("data", (chunk: Buffer) => output = (output + chunk.toString()).slice(-4000));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const origin = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 120_000;
    for (;;) {
        if (child.exitCode != null)
            throw new Error(`llama-server exited (${child.exitCode}): ${output}`);
        const healthy = await fetch(`${origin}/health`).then((response) => response.ok, () => false);
        if (healthy)
            break;
        if (Date.now() > deadline) {
            child.kill("SIGKILL");
            throw new Error(`llama-server did not start in 2 minutes: ${output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const models = await (await fetch(`${origin}/v1/models`)).json() as {data: Array<{id: string}>};
    return {
        baseUrl: `${origin}/v1`,
        model: models.data[0]!.id,
        async stop() {
            child.kill("SIGTERM");
            await exited;
        }
    };
}
