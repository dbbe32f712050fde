import {spawn, spawnSync, type ChildProcess} from "node:child_process";
import {existsSync, mkdirSync, readFileSync} from "node:fs";
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
 * x86-64's AVX2 level, the CPU variant ggml picks at run time on the machines the figures come
 * from, and so the one node-llama-cpp's prebuilt binaries run there. Not GGML_NATIVE: a VM's
 * CPUID can advertise AVX-512 or AMX that its OS state doesn't enable, and -march=native code
 * then dies of SIGILL.
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

/**
 * The CPU variant of ggml node-llama-cpp's prebuilt binaries loaded in this process
 * (`haswell`, `sapphirerapids`, …): they carry every x86 variant and ggml picks the best the CPU
 * runs, so a peer built at one fixed level may run slower code than Ponder does (stop 24's
 * Intel VM: `sapphirerapids` against an AVX2 llama-server, 1.36× for nothing Ponder did).
 * Undefined before a model is loaded, off x64 Linux, or on a build without variants.
 */
export function loadedCpuVariant(): string | undefined {
    if (process.platform !== "linux" || process.arch !== "x64")
        return undefined;
    return /libggml-cpu-([\w.]+)\.so/.exec(readFileSync("/proc/self/maps", "utf8"))?.[1];
}

/** Every x86 feature a ggml CPU variant switches on or off (ggml/src/CMakeLists.txt). */
const x86Features = ["SSE42", "AVX", "AVX2", "BMI2", "AVX_VNNI", "FMA", "F16C", "AVX512", "AVX512_VBMI", "AVX512_VNNI", "AVX512_BF16", "AMX_TILE", "AMX_INT8", "AMX_BF16"];

/**
 * CMake options that compile ggml's CPU code as `cpuVariant` is compiled among the prebuilt
 * binaries' variants: its features on, every other off, read from the same source's
 * `ggml_add_cpu_backend_variant` line. Building that one variant takes the time of one build;
 * llama.cpp's own all-variants build compiles all fourteen.
 */
function variantCmakeArgs(dir: string, cpuVariant: string): string[] {
    ensureLlamaCppSource(dir);
    const source = readFileSync(path.join(dir, "ggml", "src", "CMakeLists.txt"), "utf8");
    const line = new RegExp(`ggml_add_cpu_backend_variant\\(\\s*${cpuVariant.replaceAll(".", "\\.")}((?:\\s+\\w+)*)\\s*\\)`).exec(source);
    if (line == null)
        throw new Error(`ggml has no CPU variant named ${cpuVariant}.`);
    const features = new Set(line[1]!.trim().split(/\s+/));
    return ["-DGGML_NATIVE=OFF", ...x86Features.map((feature) => `-DGGML_${feature}=${features.has(feature) ? "ON" : "OFF"}`)];
}

/**
 * `llama-server` running `cpuVariant`'s ggml code; without OpenMP, on a second build of ggml
 * alone with the same options, swapped in through the library path.
 */
function locateVariantLlamaServer(cpuVariant: string): {server: string; ggmlWithoutOpenMp: () => string} {
    const folder = `build-${cpuVariant}`;
    const dir = llamaCppDir();
    const cmakeArgs = variantCmakeArgs(dir, cpuVariant);
    ensureLlamaCppBuild(dir, cmakeArgs, ["llama-server"], folder);
    return {
        server: path.join(dir, folder, "bin", "llama-server"),
        ggmlWithoutOpenMp() {
            const withoutOpenMp = `${dir}-noomp`;
            ensureLlamaCppBuild(withoutOpenMp, ["-DGGML_OPENMP=OFF", ...cmakeArgs], ["ggml", "ggml-cpu"], folder);
            return path.join(withoutOpenMp, folder, "bin");
        }
    };
}

function ensureLlamaCppSource(dir: string) {
    if (existsSync(path.join(dir, "CMakeLists.txt")))
        return;
    const bundle = fileURLToPath(new URL("../../../node_modules/node-llama-cpp/llama/gitRelease.bundle", import.meta.url));
    mkdirSync(path.dirname(dir), {recursive: true});
    run("git", ["clone", "--quiet", bundle, dir]);
}

function ensureLlamaCppBuild(dir: string, cmakeArgs: string[], targets: string[], folder = buildFolder) {
    const bin = path.join(dir, folder, "bin");
    const built = (target: string) => existsSync(path.join(bin, target.startsWith("ggml") ? `lib${target}.so` : target));
    if (targets.every(built))
        return;
    console.log(`  building ${targets.join(", ")} into ${path.join(dir, folder)} (up to ten minutes on two cores)…`);
    ensureLlamaCppSource(dir);
    run("cmake", ["-S", dir, "-B", path.join(dir, folder), "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release", "-DLLAMA_CURL=OFF", ...cmakeArgs]);
    run("cmake", ["--build", path.join(dir, folder), "--target", ...targets]);
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
 * Starts `llama-server` on a free port with `parallel` slots of `contextSize` tokens each, and
 * waits until it serves. With `cpuVariant` (see {@link loadedCpuVariant}) it runs ggml's CPU code
 * compiled as that variant is, else the portable build. `openMp: false` runs it on ggml built without OpenMP, as
 * node-llama-cpp's prebuilt binaries are (llama-server still attaches its persistent threadpool).
 * Both are checked in the running process, since a build that didn't apply would silently
 * measure another one.
 */
export async function startLlamaServer({modelPath, threads, parallel, contextSize, openMp = true, cpuVariant}: {modelPath: string; threads: number; parallel: number; contextSize: number; openMp?: boolean; cpuVariant?: string}): Promise<RunningLlamaServer> {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const build = cpuVariant == null ? {server: locateLlamaServer(), ggmlWithoutOpenMp: locateGgmlWithoutOpenMp} : locateVariantLlamaServer(cpuVariant);
    const ggmlDir = openMp ? path.dirname(build.server) : build.ggmlWithoutOpenMp();
    const env = openMp ? process.env : {...process.env, LD_LIBRARY_PATH: [ggmlDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":")};
    const child: ChildProcess = spawn(build.server, [
        "-m", modelPath, "--host", "127.0.0.1", "--port", String(port),
        "-t", String(threads), "-tb", String(threads),
        "--parallel", String(parallel), "-c", String(contextSize * parallel),
        "--no-webui", "--log-disable"
    ], {stdio: ["ignore", "ignore", "pipe"], env});
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
    if (process.platform === "linux") {
        const maps = readFileSync(`/proc/${child.pid}/maps`, "utf8");
        const mismatch = maps.includes("libgomp") !== openMp ? `${openMp ? "with" : "without"} OpenMP`
            : !maps.includes(path.join(ggmlDir, "libggml-cpu.so")) ? `ggml's CPU code from ${ggmlDir}`
                : undefined;
        if (mismatch != null) {
            child.kill("SIGKILL");
            throw new Error(`llama-server was to run ${mismatch}, and doesn't.`);
        }
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
