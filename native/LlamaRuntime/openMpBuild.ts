import {existsSync, readdirSync, readFileSync} from "node:fs";
import {createRequire} from "node:module";
import path from "node:path";
import {getLlama, getLlamaGpuTypes, type Llama, type LlamaLogLevel} from "node-llama-cpp";

/**
 * node-llama-cpp's prebuilt CPU binaries are built without OpenMP, and then ggml creates and
 * joins its worker threads for every graph, so for every token; llama-server, built with
 * OpenMP, keeps them. A build of node-llama-cpp's bundled llama.cpp with OpenMP
 * (`npm run build:llama`, Linux) closes that gap (docs/performance.md). These are its CMake
 * options: node-llama-cpp names the build's folder after them, so they identify it.
 */
export const openMpBuilds = {
    /**
     * What Ponder ships: every CPU variant, each loaded only where ggml's run-time check finds
     * its instructions usable, as node-llama-cpp's prebuilt binaries are built. Not GGML_NATIVE:
     * a VM's CPUID can advertise AVX-512 its OS state doesn't enable (this machine's does), and
     * a -march=native build then dies of SIGILL at the first token.
     */
    portable: {GGML_OPENMP: "ON", GGML_NATIVE: "OFF", GGML_CPU_ALL_VARIANTS: "ON", GGML_BACKEND_DL: "ON"},
    /**
     * One variant, x86-64's AVX2 level, for a developer's or a bench machine: minutes to build
     * instead of most of an hour (`npm run build:llama -- avx2`). Never shipped.
     */
    avx2: {GGML_OPENMP: "ON", GGML_NATIVE: "OFF", GGML_AVX2: "ON", GGML_FMA: "ON", GGML_F16C: "ON", GGML_BMI2: "ON"}
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
    const built = finishedOpenMpBuilds();
    if (built.length === 0)
        return undefined;
    if (gpu === "auto" && (await getLlamaGpuTypes("supported")).some((type) => type !== false))
        return undefined;
    for (const name of built) {
        try {
            return await loadLocalBuild(name, logLevel);
        } catch {
            // It doesn't load on this machine: the next one, then the prebuilt binaries.
        }
    }
    return undefined;
}

/** node-llama-cpp's folder of local builds: `llama/localBuilds` in its package. */
export const localBuildsDir = path.join(path.dirname(createRequire(import.meta.url).resolve("node-llama-cpp")), "..", "llama", "localBuilds");

/**
 * The OpenMP builds in node-llama-cpp's localBuilds that finished, read from the metadata
 * node-llama-cpp writes beside each: getLlama itself would wait for one being built (an hour).
 */
function finishedOpenMpBuilds(): OpenMpBuildName[] {
    const key = (options: Record<string, string>) => JSON.stringify(Object.entries(options).sort(([a], [b]) => a.localeCompare(b)));
    const found = new Set<string>();
    for (const folder of existsSync(localBuildsDir) ? readdirSync(localBuildsDir) : []) {
        const metadataFile = path.join(localBuildsDir, folder, "Release", "_nlcBuildMetadata.json");
        if (!existsSync(path.join(localBuildsDir, folder, "buildDone.status")) || !existsSync(metadataFile))
            continue;
        try {
            const {buildOptions} = JSON.parse(readFileSync(metadataFile, "utf8")) as {buildOptions: {gpu: unknown; customCmakeOptions: Record<string, string>}};
            if (buildOptions.gpu === false)
                found.add(key(buildOptions.customCmakeOptions));
        } catch {
            // Not a build node-llama-cpp finished writing.
        }
    }
    return (Object.keys(openMpBuilds) as OpenMpBuildName[]).filter((name) => found.has(key(openMpBuilds[name])));
}

/** The local build named `name`, or a refusal: never the prebuilt binaries, never a build started. */
export function loadLocalBuild(name: OpenMpBuildName, logLevel: LlamaLogLevel): Promise<Llama> {
    return getLlama({gpu: false, build: "never", usePrebuiltBinaries: false, cmakeOptions: openMpBuilds[name], logLevel, progressLogs: false});
}

/** Whether the llama.cpp a runtime loaded was built with OpenMP, as its own system info says. */
export function usesOpenMp(llama: Llama): boolean {
    return /OPENMP = 1/.test(llama.systemInfo);
}
