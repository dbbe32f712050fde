import {getLlama, LlamaLogLevel, type Llama, type LlamaGpuType} from "node-llama-cpp";
import {LoadedModel, type LoadModelOptions} from "../LoadedModel/LoadedModel.ts";

export type Backend = "metal" | "cuda" | "vulkan" | "cpu";

export interface LlamaRuntimeOptions {
    /**
     * `"auto"` picks Metal on Apple silicon, else CUDA, Vulkan, then the CPU, as node-llama-cpp does.
     * `false` forces the CPU (tests, or a user whose GPU driver misbehaves).
     * Defaults to `"auto"`.
     */
    gpu?: "auto" | false;
}

/** One llama.cpp runtime per process: the backend binding, and the model it has loaded. */
export class LlamaRuntime {
    readonly #llama: Llama;

    private constructor(llama: Llama) {
        this.#llama = llama;
    }

    static async create({gpu = "auto"}: LlamaRuntimeOptions = {}): Promise<LlamaRuntime> {
        const llama = await getLlama({
            gpu,
            // Prebuilt binaries only: an app must never start compiling llama.cpp on a user's machine.
            build: "never",
            logLevel: LlamaLogLevel.error
        });
        return new LlamaRuntime(llama);
    }

    get backend(): Backend {
        return backendOf(this.#llama.gpu);
    }

    loadModel(modelPath: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
        return LoadedModel.load(this.#llama, modelPath, options);
    }

    async dispose(): Promise<void> {
        await this.#llama.dispose();
    }
}

function backendOf(gpu: LlamaGpuType): Backend {
    return gpu === false ? "cpu" : gpu;
}
