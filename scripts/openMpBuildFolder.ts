// node-llama-cpp's own naming of a local build's folder (not in its public exports): the folder
// is how getLlama finds a build with given CMake options, so it is named exactly as it does.
import {builtinLlamaCppGitHubRepo} from "../node_modules/node-llama-cpp/dist/config.js";
import {builtinLlamaCppRelease} from "../node_modules/node-llama-cpp/dist/bindings/utils/binariesGithubRelease.js";
import {getBuildFolderNameForBuildOptions} from "../node_modules/node-llama-cpp/dist/bindings/utils/getBuildFolderNameForBuildOptions.js";

/** The folder (in node-llama-cpp's `llama/localBuilds`, `localBuildsDir` of native/LlamaRuntime/openMpBuild.ts) of the CPU build of node-llama-cpp's bundled llama.cpp with these CMake options. */
export async function openMpBuildFolder(cmakeOptions: Record<string, string>, platform: "linux" | "win", arch: string): Promise<string> {
    const {withCustomCmakeOptions} = await getBuildFolderNameForBuildOptions({
        customCmakeOptions: new Map(Object.entries(cmakeOptions)),
        progressLogs: false,
        platform,
        // Not part of the name.
        platformInfo: {name: "", version: ""},
        arch: arch as "x64",
        gpu: false,
        llamaCpp: {repo: builtinLlamaCppGitHubRepo, release: builtinLlamaCppRelease}
    });
    return withCustomCmakeOptions;
}
