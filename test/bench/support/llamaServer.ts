import {spawn, spawnSync, type ChildProcess} from "node:child_process";
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync} from "node:fs";
import {createRequire} from "node:module";
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

/**
 * x86-64's AVX2 level, which every x86 machine the benches ran on executes. Not GGML_NATIVE: on
 * stop 24's Intel VM, -march=native code (GCC 12) died of SIGILL at an AMX instruction. The
 * prebuilt binaries may run faster code there (`sapphirerapids`), which is why the parallel
 * bench also runs llama-server on them (`libraries: "prebuilt"`).
 */
const portableCpu = process.arch === "x64" ? ["-DGGML_NATIVE=OFF", "-DGGML_AVX2=ON", "-DGGML_FMA=ON", "-DGGML_F16C=ON", "-DGGML_BMI2=ON"] : ["-DGGML_NATIVE=OFF"];

/** Named for the portable flags, so that an older -march=native build in the cache is never reused. */
export const buildFolder = "build-portable";

/** The `llama-server` binary, built first when the cache doesn't have it. */
export function locateLlamaServer(): string {
    const dir = llamaCppDir();
    ensureLlamaCppBuild(dir, portableCpu, ["llama-server", "llama-bench"]);
    return path.join(dir, buildFolder, "bin", "llama-server");
}

/**
 * The folder of a second build of ggml (the same source) without OpenMP, as node-llama-cpp's
 * prebuilt CPU binaries are made: a program linked against {@link llamaCppDir}'s libraries runs
 * on it when this folder comes first in `LD_LIBRARY_PATH`. Only ggml is built (a few minutes).
 */
export function locateGgmlWithoutOpenMp(): string {
    const dir = `${llamaCppDir()}-noomp`;
    ensureLlamaCppBuild(dir, ["-DGGML_OPENMP=OFF", ...portableCpu], ["ggml", "ggml-cpu"]);
    return path.join(dir, buildFolder, "bin");
}

function ensureLlamaCppBuild(dir: string, cmakeArgs: string[], targets: string[]) {
    const bin = path.join(dir, buildFolder, "bin");
    const built = (target: string) => existsSync(path.join(bin, target.startsWith("ggml") ? `lib${target}.so` : target));
    if (targets.every(built))
        return;
    const bundle = fileURLToPath(new URL("../../../node_modules/node-llama-cpp/llama/gitRelease.bundle", import.meta.url));
    console.log(`  building ${targets.join(", ")} from ${bundle} into ${dir} (up to ten minutes on two cores)…`);
    if (!existsSync(path.join(dir, "CMakeLists.txt"))) {
        mkdirSync(path.dirname(dir), {recursive: true});
        run("git", ["clone", "--quiet", bundle, dir]);
    }
    run("cmake", ["-S", dir, "-B", path.join(dir, buildFolder), "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release", "-DLLAMA_CURL=OFF", ...cmakeArgs]);
    run("cmake", ["--build", path.join(dir, buildFolder), "--target", ...targets]);
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

/**
 * The folder of the llama.cpp libraries node-llama-cpp's prebuilt CPU binaries for Linux x64
 * consist of (libllama, ggml and every CPU variant of ggml), undefined elsewhere.
 */
export function prebuiltLlamaCppDir(): string | undefined {
    if (process.platform !== "linux" || process.arch !== "x64")
        return undefined;
    // The package exports only its entry, dist/index.js.
    const entry = createRequire(import.meta.url).resolve("@node-llama-cpp/linux-x64");
    return path.join(path.dirname(entry), "..", "bins", "linux-x64");
}

/**
 * Points the names llama-server's own libraries ask for (`libllama.so.0`, `libggml.so.0`,
 * `libggml-base.so.0`) at node-llama-cpp's prebuilt files of the same llama.cpp, in a folder that
 * goes first in `LD_LIBRARY_PATH`: llama-server then runs the very libllama and ggml Ponder runs,
 * so the two differ only in the code above them.
 */
function prebuiltLibraryNames(prebuiltDir: string): string {
    const shim = path.join(llamaCppDir(), "prebuilt-libraries");
    mkdirSync(shim, {recursive: true});
    const files = readdirSync(prebuiltDir);
    const find = (pattern: RegExp) => {
        const file = files.find((name) => pattern.test(name));
        if (file == null)
            throw new Error(`node-llama-cpp's prebuilt binaries in ${prebuiltDir} have no file matching ${pattern}.`);
        return path.join(prebuiltDir, file);
    };
    for (const [name, target] of [["libllama.so.0", find(/^libllama\.v[\d.]+\.so$/)], ["libggml.so.0", find(/^libggml\.v[\d.]+\.so$/)], ["libggml-base.so.0", find(/^libggml-base\.so$/)]] as const) {
        rmSync(path.join(shim, name), {force: true});
        symlinkSync(target, path.join(shim, name));
    }
    return shim;
}

/**
 * Starts `llama-server` on a free port with `parallel` slots of `contextSize` tokens each, and
 * waits until it serves. `libraries: "prebuilt"` runs it on node-llama-cpp's prebuilt libllama
 * and ggml (see {@link prebuiltLibraryNames}); ggml then picks its CPU variant at run time among
 * the prebuilt ones, found in the working folder, as it does in Ponder. Checked in the running
 * process, since a library path that didn't apply would silently measure the other build.
 */
export async function startLlamaServer({modelPath, threads, parallel, contextSize, libraries = "own"}: {modelPath: string; threads: number; parallel: number; contextSize: number; libraries?: "own" | "prebuilt"}): Promise<RunningLlamaServer> {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const prebuiltDir = libraries === "prebuilt" ? prebuiltLlamaCppDir() : undefined;
    if (libraries === "prebuilt" && prebuiltDir == null)
        throw new Error("llama-server on node-llama-cpp's prebuilt libraries is set up for Linux x64 only.");
    const env = prebuiltDir == null ? process.env : {...process.env, LD_LIBRARY_PATH: [prebuiltLibraryNames(prebuiltDir), process.env.LD_LIBRARY_PATH].filter(Boolean).join(":")};
    const child: ChildProcess = spawn(locateLlamaServer(), [
        "-m", modelPath, "--host", "127.0.0.1", "--port", String(port),
        "-t", String(threads), "-tb", String(threads),
        "--parallel", String(parallel), "-c", String(contextSize * parallel),
        "--no-webui", "--log-disable"
    ], {stdio: ["ignore", "ignore", "pipe"], env, cwd: prebuiltDir});
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
    const maps = prebuiltDir == null ? "" : readFileSync(`/proc/${child.pid}/maps`, "utf8");
    if (prebuiltDir != null && !(maps.includes(path.join(prebuiltDir, "libllama")) && maps.includes(path.join(prebuiltDir, "libggml-cpu-")))) {
        child.kill("SIGKILL");
        throw new Error(`llama-server was to run node-llama-cpp's prebuilt libllama and ggml from ${prebuiltDir}, and doesn't.`);
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
