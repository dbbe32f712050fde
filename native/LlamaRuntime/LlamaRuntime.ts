import {readFileSync} from "node:fs";
import {createRequire} from "node:module";
import os from "node:os";
import path from "node:path";
import {getLlama, LlamaLogLevel, type Llama, type LlamaGpuType} from "node-llama-cpp";
import {estimateModelFit, type FitSourceOptions, type MachineMemory, type ModelFit} from "../fit/estimateModelFit.ts";
import {readModelMetadata} from "../gguf/readModelMetadata.ts";
import {LoadedModel, type LoadModelOptions} from "../LoadedModel/LoadedModel.ts";
import {EmbeddingModel, type LoadEmbeddingModelOptions} from "../embedding/EmbeddingModel.ts";
import {loadOpenMpBuild, usesOpenMp} from "./openMpBuild.ts";
import {PonderError} from "../../electron/contract/errors.ts";

export type Backend = "metal" | "cuda" | "vulkan" | "cpu";

export interface LlamaRuntimeOptions {
    /**
     * `"auto"` picks Metal on Apple silicon, else CUDA, Vulkan, then the CPU, as node-llama-cpp does.
     * `false` forces the CPU (tests, or a user whose GPU driver misbehaves).
     * Defaults to `"auto"`.
     */
    gpu?: "auto" | false;
    /**
     * The RAM (bytes) models may use. Defaults to the machine's RAM less what the system and
     * other apps keep (the larger of 2 GiB and 15 %). Tests set it to check what happens on a
     * smaller machine.
     */
    ramBytes?: number;
    /**
     * `"auto"` runs on the CPU with the OpenMP build of llama.cpp when `npm run build:llama` made
     * one (see `openMpBuild.ts`), else with node-llama-cpp's prebuilt binaries. `"prebuilt"`
     * always takes the prebuilt binaries (the parallel bench compares the two). Defaults to `"auto"`.
     */
    llamaBuild?: "auto" | "prebuilt";
}

/** Which llama.cpp a runtime runs: node-llama-cpp's prebuilt binaries or a local build, and whether ggml has OpenMP. */
export interface LlamaBuild {
    type: "prebuilt" | "localBuild";
    openMp: boolean;
}

/** This machine as llama.cpp sees it, for the first-run welcome and the About box. */
export interface RuntimeDescription {
    backend: Backend;
    gpuNames: string[];
    /** Total VRAM of the GPUs in use; 0 on the CPU. */
    vramBytes: number;
    /** Apple silicon: the GPU shares the RAM. */
    unifiedMemory: boolean;
    totalRamBytes: number;
    mathCores: number;
    cpuModel: string;
    /** llama.cpp's release tag (`b6000` or `v0.4.0`). */
    llamaCppRelease: string;
    llamaBuild: LlamaBuild;
    nodeLlamaCppVersion: string;
}

/** One llama.cpp runtime per process: the backend binding, and the model it has loaded. */
export class LlamaRuntime {
    readonly #llama: Llama;
    readonly #ramBytes: number | undefined;

    private constructor(llama: Llama, ramBytes: number | undefined) {
        this.#llama = llama;
        this.#ramBytes = ramBytes;
    }

    static async create({gpu = "auto", ramBytes, llamaBuild = "auto"}: LlamaRuntimeOptions = {}): Promise<LlamaRuntime> {
        const openMp = llamaBuild === "auto" ? await loadOpenMpBuild(gpu, LlamaLogLevel.error) : undefined;
        const llama = openMp ?? await getLlama({
            gpu,
            // Built binaries only: an app must never start compiling llama.cpp on a user's machine.
            build: "never",
            logLevel: LlamaLogLevel.error
        });
        return new LlamaRuntime(llama, ramBytes);
    }

    get llamaBuild(): LlamaBuild {
        return {type: this.#llama.buildType, openMp: usesOpenMp(this.#llama)};
    }

    get backend(): Backend {
        return backendOf(this.#llama.gpu);
    }

    /** What models may use here: RAM, and VRAM when a GPU is in use. */
    async memory(): Promise<MachineMemory> {
        const total = os.totalmem();
        const ramBytes = this.#ramBytes ?? Math.floor(total - Math.max(2 * 2 ** 30, total * 0.15));
        if (this.#llama.gpu === false)
            return {ramBytes, vramBytes: 0, unified: false};
        const vram = await this.#llama.getVramState();
        return {ramBytes, vramBytes: vram.free, unified: vram.unifiedSize > 0};
    }

    async describe(): Promise<RuntimeDescription> {
        const onGpu = this.#llama.gpu !== false;
        const vram = onGpu ? await this.#llama.getVramState() : undefined;
        return {
            backend: this.backend,
            gpuNames: onGpu ? await this.#llama.getGpuDeviceNames() : [],
            vramBytes: vram?.total ?? 0,
            unifiedMemory: (vram?.unifiedSize ?? 0) > 0,
            totalRamBytes: os.totalmem(),
            mathCores: this.#llama.cpuMathCores,
            cpuModel: os.cpus()[0]?.model.trim() ?? "",
            llamaCppRelease: this.#llama.llamaCppRelease.release,
            llamaBuild: this.llamaBuild,
            nodeLlamaCppVersion: nodeLlamaCppVersion()
        };
    }

    /** Whether a model (a local GGUF path or an http(s) URL, read remotely) fits with its parallel replies and KV cache type, and the largest context that does. */
    async estimateFit(source: string, options: FitSourceOptions = {}): Promise<ModelFit> {
        return estimateModelFit(this.#llama, source, await this.memory(), options);
    }

    /**
     * Refuses a model that cannot fit (`model.tooLarge`, with the numbers) before llama.cpp
     * allocates anything: it would make the machine swap or crash. A recurrent or hybrid model
     * is refused a draft model or prompt lookup (`model.draftOnRecurrent`): node-llama-cpp
     * doesn't roll its state back past refused drafted tokens, so drafting changed its greedy
     * output (withcatai/node-llama-cpp#652).
     */
    async loadModel(modelPath: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
        // A bad file gets its own clear message before any estimate is tried.
        const {recurrent} = await readModelMetadata(modelPath);
        if (recurrent && (options.draftModelPath != null || options.promptLookup === true))
            throw new PonderError("model.draftOnRecurrent", {model: path.basename(modelPath)});
        const fit = await this.estimateFit(modelPath, {parallel: options.parallel, kvCacheType: options.kvCacheType, draft: options.draftModelPath});
        if (fit.verdict === "tooLarge")
            throw new PonderError("model.tooLarge", {
                neededBytes: fit.ramBytes + fit.vramBytes,
                availableBytes: fit.memory.unified ? Math.max(fit.memory.ramBytes, fit.memory.vramBytes) : fit.memory.ramBytes + fit.memory.vramBytes
            });
        return LoadedModel.load(this.#llama, modelPath, options);
    }

    /** An embedding model, beside any chat model; it is small, so no fit check is made. */
    async loadEmbeddingModel(modelPath: string, options: LoadEmbeddingModelOptions = {}): Promise<EmbeddingModel> {
        return EmbeddingModel.load(this.#llama, modelPath, options);
    }

    async dispose(): Promise<void> {
        await this.#llama.dispose();
    }
}

/** node-llama-cpp doesn't export its package.json, so it is read beside the entry point it does export. */
function nodeLlamaCppVersion(): string {
    const entry = createRequire(import.meta.url).resolve("node-llama-cpp");
    const packageJson = JSON.parse(readFileSync(path.join(path.dirname(entry), "../package.json"), "utf8")) as {version: string};
    return packageJson.version;
}

function backendOf(gpu: LlamaGpuType): Backend {
    return gpu === false ? "cpu" : gpu;
}
