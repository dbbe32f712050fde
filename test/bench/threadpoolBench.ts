import {spawnSync} from "node:child_process";
import {existsSync, statSync} from "node:fs";
import {loadavg} from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {getLlama, type LlamaContextSequence, type LlamaModel} from "node-llama-cpp";
import {ensureBenchModel} from "../fixtures/models/fixtureModels.ts";
import {median, round1, round2, round3, streamTiming, type Measure, type RunTiming} from "./measure.ts";
import {buildFolder, llamaCppDir, locateGgmlWithoutOpenMp, locateLlamaServer} from "./support/llamaServer.ts";

/** `PONDER_BENCH_TOKENS=16` shortens each run, for a machine so busy that two threads crawl. */
const generatedTokens = Number(process.env.PONDER_BENCH_TOKENS ?? 48);
const rounds = 3;
/** `PONDER_BENCH_THREADS=2` measures at that thread count only. */
const threadCounts = (process.env.PONDER_BENCH_THREADS ?? "1,2").split(",").map(Number);

/** The ways of running llama.cpp's decode loop this bench puts side by side. */
const variants = ["openmp_pool", "openmp_nopool", "noopenmp_pool", "noopenmp_nopool", "node_llama_cpp"] as const;
type Variant = typeof variants[number];

/**
 * Where the single-stream gap to llama-server comes from, reproduced without Ponder: the same
 * greedy decode loop on the same model and threads, in llama.cpp built with and without OpenMP,
 * with and without a ggml threadpool attached to the context, and node-llama-cpp's bare
 * `sequence.evaluate` loop on its prebuilt libraries (built without OpenMP) with the addon Ponder
 * rebuilds at install to attach a threadpool (node-llama-cpp's own attaches none, so every
 * `llama_decode` created and joined its threads; scripts/nodeLlamaCppAddon). llama-server is
 * `openmp_pool`. Each round runs every variant once, so drifts in machine load hit all alike;
 * the load average is reported too, since two threads on two busy cores stall at every barrier.
 */
export async function threadpoolBench(): Promise<Measure[]> {
    const modelPath = await ensureBenchModel();
    const repro = compileRepro();
    const withoutOpenMp = locateGgmlWithoutOpenMp();
    const measures: Measure[] = [];
    for (const threads of threadCounts) {
        const raw = await BareLoop.open(modelPath, threads);
        const runs = new Map<Variant, RunTiming[]>(variants.map((variant) => [variant, []]));
        const loadBefore = loadavg()[0]!;
        try {
            await raw.run();
            for (let round = 0; round < rounds; round++) {
                console.log(`  ${threads} threads, round ${round + 1}/${rounds} (load average ${round2(loadavg()[0]!)})…`);
                for (const variant of variants)
                    runs.get(variant)!.push(variant === "node_llama_cpp"
                        ? await raw.run()
                        : runRepro(repro, modelPath, threads, variant.endsWith("_nopool") ? "nopool" : "pool", variant.startsWith("noopenmp") ? withoutOpenMp : undefined));
            }
        } finally {
            await raw.close();
        }
        const name = (measure: string) => `threadpool.t${threads}.${measure}`;
        const rate = (variant: Variant) => median(runs.get(variant)!.map((run) => run.tokensPerSecond));
        const ratio = (variant: Variant) => median(runs.get(variant)!.map((run, round) => run.tokensPerSecond / runs.get("openmp_pool")![round]!.tokensPerSecond));
        measures.push(
            {measure: name("load_average_before"), value: round2(loadBefore), unit: "load", target: null},
            {measure: name("load_average_after"), value: round2(loadavg()[0]!), unit: "load", target: null},
            ...variants.map((variant): Measure => ({measure: name(`${variant}_tokens_per_second`), value: round2(rate(variant)), unit: "tokens/s", target: null})),
            ...variants.filter((variant) => variant !== "openmp_pool").map((variant): Measure => ({measure: name(`${variant}_to_llama_server_build_ratio`), value: round3(ratio(variant)), unit: "ratio", target: null})),
            {measure: name("node_llama_cpp_time_to_first_token"), value: round1(median(runs.get("node_llama_cpp")!.map((run) => run.timeToFirstTokenMs))), unit: "ms", target: null},
            {measure: name("openmp_pool_time_to_first_token"), value: round1(median(runs.get("openmp_pool")!.map((run) => run.timeToFirstTokenMs))), unit: "ms", target: null}
        );
    }
    return measures;
}

/** Compiles threadpoolRepro.cpp against the llama.cpp build llama-server comes from, into that cache. */
function compileRepro(): string {
    const dir = llamaCppDir();
    locateLlamaServer();
    const source = fileURLToPath(new URL("./support/threadpoolRepro.cpp", import.meta.url));
    const binary = path.join(dir, buildFolder, "bin", "ponder-threadpool-repro");
    if (existsSync(binary) && statSync(binary).mtimeMs > statSync(source).mtimeMs)
        return binary;
    const bin = path.join(dir, buildFolder, "bin");
    const result = spawnSync("g++", [
        "-O2", "-std=c++17", `-I${path.join(dir, "include")}`, `-I${path.join(dir, "ggml", "include")}`, source, "-o", binary,
        `-L${bin}`, "-lllama", "-lggml", "-lggml-base", "-lggml-cpu", `-Wl,-rpath,${bin}`
    ], {stdio: "inherit"});
    if (result.status !== 0)
        throw new Error(`Compiling ${source} failed (${result.status ?? result.signal}).`);
    return binary;
}

/** One run of the reproduction; `ggmlDir` first in the library path swaps in that ggml build. */
function runRepro(binary: string, modelPath: string, threads: number, pool: "pool" | "nopool", ggmlDir: string | undefined): RunTiming {
    const result = spawnSync(binary, [modelPath, String(threads), String(generatedTokens), pool], {
        encoding: "utf8",
        env: ggmlDir == null ? process.env : {...process.env, LD_LIBRARY_PATH: [ggmlDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":")}
    });
    if (result.status !== 0)
        throw new Error(`${binary} failed (${result.status ?? result.signal}): ${result.stderr}`);
    return JSON.parse(result.stdout) as RunTiming;
}

/** node-llama-cpp's own greedy `sequence.evaluate` loop on the same prompt, its prebuilt binaries as Ponder loads them. */
class BareLoop {
    private constructor(private readonly model: LlamaModel, private readonly sequence: LlamaContextSequence, private readonly close_: () => Promise<void>) {}

    static async open(modelPath: string, threads: number) {
        const llama = await getLlama({gpu: false, build: "never"});
        const model = await llama.loadModel({modelPath, gpuLayers: 0});
        const context = await model.createContext({contextSize: 2048, threads, flashAttention: "auto"});
        return new BareLoop(model, context.getSequence(), () => llama.dispose());
    }

    async run(): Promise<RunTiming> {
        await this.sequence.clearHistory();
        const tokens = this.model.tokenize("How would you sort a thousand numbers by hand?");
        const startedAt = performance.now();
        let firstAt = 0;
        let lastAt = 0;
        let count = 0;
        for await (const token of this.sequence.evaluate(tokens, {temperature: 0})) {
            void token;
            lastAt = performance.now();
            firstAt ||= lastAt;
            if (++count >= generatedTokens)
                break;
        }
        return streamTiming(startedAt, firstAt, lastAt, count);
    }

    close() {
        return this.close_();
    }
}
