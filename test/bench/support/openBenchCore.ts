import {mkdtempSync, rmSync} from "node:fs";
import {availableParallelism, tmpdir} from "node:os";
import path from "node:path";
import type {ChatServiceOptions} from "../../../electron/core/chats/ChatService.ts";
import {getLlama, LlamaLogLevel, type Llama} from "node-llama-cpp";
import {loadOpenMpBuild} from "../../../native/LlamaRuntime/openMpBuild.ts";
import type {LlamaRuntimeOptions} from "../../../native/index.ts";
import {PonderCore} from "../../../electron/core/PonderCore.ts";
import {ensureBenchModel} from "../../fixtures/models/fixtureModels.ts";

export interface BenchCore {
    core: PonderCore;
    /** The core's data and models folder; also serves as an empty renderer folder for a server. */
    dir: string;
    modelId: string;
    modelPath: string;
    /** Disposes the core and deletes its folder. */
    close(): Promise<void>;
}

/**
 * The CPU unless PONDER_BENCH_GPU=auto, which lets llama.cpp take the GPU (the release workflow
 * records the Metal figures on Apple silicon this way), for the app and its raw peer alike.
 */
export const benchGpu: "auto" | false = process.env.PONDER_BENCH_GPU === "auto" ? "auto" : false;

/**
 * Which llama.cpp the app runs: by default, as the app does, the OpenMP build when
 * `npm run build:llama` made one (Linux), else node-llama-cpp's prebuilt binaries;
 * PONDER_BENCH_LLAMA_BUILD=prebuilt forces the prebuilt binaries.
 */
export const benchLlamaBuild: NonNullable<LlamaRuntimeOptions["llamaBuild"]> = process.env.PONDER_BENCH_LLAMA_BUILD === "prebuilt" ? "prebuilt" : "auto";

/** llama.cpp for a bench's raw peer: the same build the app runs under {@link benchLlamaBuild}, so app and peer differ only in what the app adds. */
export async function openBenchLlama(): Promise<Llama> {
    const openMp = benchLlamaBuild === "auto" ? await loadOpenMpBuild(benchGpu, LlamaLogLevel.warn) : undefined;
    return openMp ?? await getLlama({gpu: benchGpu});
}

/**
 * A headless core on a fresh folder with the random Qwen2.5-0.5B-shaped bench model loaded on
 * the CPU (or {@link benchGpu}), using every core the machine has unless told otherwise: the
 * setting all the model benches compare under.
 */
export async function openBenchCore({contextSize, chats, threads = availableParallelism(), parallel, llamaBuild = benchLlamaBuild}: {contextSize: number; chats?: ChatServiceOptions; threads?: number; parallel?: number; llamaBuild?: LlamaRuntimeOptions["llamaBuild"]}): Promise<BenchCore> {
    const modelPath = await ensureBenchModel();
    const dir = mkdtempSync(path.join(tmpdir(), "ponder-bench-"));
    const core = await PonderCore.create({
        dataDir: dir,
        modelsDir: dir,
        shell: "headless",
        version: "bench",
        runtime: {gpu: benchGpu, llamaBuild},
        load: {threads, contextSize, ...(parallel == null ? {} : {parallel})},
        chats
    });
    const close = async () => {
        await core.dispose();
        rmSync(dir, {recursive: true, force: true});
    };
    const state = await core.loadModelFile(modelPath);
    if (state.status !== "ready" || state.modelId == null) {
        await close();
        throw new Error(`The bench model did not load: ${state.error}`);
    }
    return {core, dir, modelId: state.modelId, modelPath, close};
}
