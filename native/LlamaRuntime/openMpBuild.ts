import {getLlama, getLlamaGpuTypes, type Llama, type LlamaLogLevel} from "node-llama-cpp";

/**
 * node-llama-cpp's prebuilt CPU binaries are built without OpenMP, and then ggml creates and
 * joins its worker threads for every graph, so for every token; llama-server, built with
 * OpenMP, keeps them. A build of node-llama-cpp's bundled llama.cpp with OpenMP
 * (`npm run build:llama`, Linux) closes that gap (docs/performance.md). These are its CMake
 * options: node-llama-cpp names the build's folder after them, so they identify it.
 */
export const openMpBuilds = {
    /** What Ponder ships: every x64 CPU variant, each loaded by the CPU it fits, as node-llama-cpp's own prebuilt binaries are built. */
    portable: {GGML_OPENMP: "ON", GGML_NATIVE: "OFF", GGML_CPU_ALL_VARIANTS: "ON", GGML_BACKEND_DL: "ON"},
    /** For this machine's CPU only (a developer's or a bench machine): one CPU variant, so it builds several times faster. Never shipped. */
    native: {GGML_OPENMP: "ON", GGML_NATIVE: "ON"}
} as const satisfies Record<string, Record<string, string>>;

export type OpenMpBuildName = keyof typeof openMpBuilds;

/** The platforms where node-llama-cpp builds the CPU backend with OpenMP when asked (on Windows its LLVM toolchain turns it off). */
export const openMpBuildPlatforms: readonly NodeJS.Platform[] = ["linux"];

/**
 * The OpenMP build of llama.cpp when one was built here (portable first), for a runtime on the
 * CPU: with `gpu: "auto"` only when this machine has no GPU backend node-llama-cpp could use,
 * since a GPU beats any CPU build. Undefined otherwise, and the caller takes the prebuilt binaries.
 */
export async function loadOpenMpBuild(gpu: "auto" | false, logLevel: LlamaLogLevel): Promise<Llama | undefined> {
    if (!openMpBuildPlatforms.includes(process.platform))
        return undefined;
    if (gpu === "auto" && (await getLlamaGpuTypes("supported")).some((type) => type !== false))
        return undefined;
    for (const cmakeOptions of Object.values(openMpBuilds)) {
        try {
            // Local builds only: without this build, getLlama refuses instead of taking the prebuilt binaries.
            return await getLlama({gpu: false, build: "never", usePrebuiltBinaries: false, cmakeOptions, logLevel, progressLogs: false});
        } catch {
            // Not built here (NoBinaryFoundError), or it doesn't load on this machine: the next one, then the prebuilt binaries.
        }
    }
    return undefined;
}

/** Whether the llama.cpp a runtime loaded was built with OpenMP, as its own system info says. */
export function usesOpenMp(llama: Llama): boolean {
    return /OPENMP = 1/.test(llama.systemInfo);
}
