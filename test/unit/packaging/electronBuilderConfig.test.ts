import {readFileSync} from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";
import yaml from "js-yaml";
import {minimatch} from "minimatch";
import {describe, expect, test} from "vitest";
import {openMpBuilds} from "../../../native/LlamaRuntime/openMpBuild.ts";
import {openMpBuildFolder} from "../../../scripts/openMpBuildFolder.ts";

/*
 * Packaging can't run here (no Electron binary), so this checks what it would do: the targets,
 * the fuses, and which of node-llama-cpp's per-platform binary packages each installer carries.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const config = yaml.load(readFileSync(path.join(repoRoot, "electron-builder.yml"), "utf8")) as BuilderConfig;
const binaryPackages = Object.keys(
    (JSON.parse(readFileSync(path.join(repoRoot, "node_modules/node-llama-cpp/package.json"), "utf8")) as {optionalDependencies: Record<string, string>})
        .optionalDependencies
).filter((name) => name.startsWith("@node-llama-cpp/"));

interface TargetEntry {
    target: string;
    arch: string[];
}
interface PlatformConfig {
    target: TargetEntry[];
    files?: string[];
    [key: string]: unknown;
}
interface BuilderConfig {
    publish?: unknown;
    files: string[];
    asarUnpack: string[];
    electronFuses: Record<string, boolean>;
    npmRebuild: boolean;
    mac: PlatformConfig;
    win: PlatformConfig;
    linux: PlatformConfig;
}

/**
 * electron-builder's file rules: the global `files` then the platform's, with `${arch}`
 * expanded; a path is packed when the last pattern that matches it is not a negation.
 */
function isPacked(platform: "mac" | "win" | "linux", arch: string, file: string): boolean {
    const patterns = [...config.files, ...(config[platform].files ?? [])].map((pattern) => pattern.replaceAll("${arch}", arch));
    let packed = false;
    for (const pattern of patterns) {
        const negated = pattern.startsWith("!");
        if (minimatch(file, negated ? pattern.slice(1) : pattern, {dot: true}))
            packed = !negated;
    }
    return packed;
}

function packedBinaryPackages(platform: "mac" | "win" | "linux", arch: string): string[] {
    return binaryPackages
        .filter((name) => isPacked(platform, arch, `node_modules/${name}/bins/${name.split("/")[1]}/libllama.so`))
        .map((name) => name.replace("@node-llama-cpp/", ""));
}

/** The addon of an OpenMP build in node-llama-cpp's localBuilds, in the folder node-llama-cpp itself names after the build's options. */
async function openMpBuildAddon(platform: "linux" | "win", arch: "x64" | "arm64", cmakeOptions: Record<string, string>): Promise<string> {
    return `node_modules/node-llama-cpp/llama/localBuilds/${await openMpBuildFolder(cmakeOptions, platform, arch)}/Release/llama-addon.node`;
}

describe("electron-builder.yml", () => {
    test("builds dmg + zip for Apple silicon and Intel Macs, nsis for Windows x64, AppImage + deb for Linux", () => {
        expect(config.mac.target).toEqual([{target: "dmg", arch: ["arm64", "x64"]}, {target: "zip", arch: ["arm64", "x64"]}]);
        expect(config.win.target).toEqual([{target: "nsis", arch: ["x64"]}]);
        expect(config.linux.target.map((entry) => entry.target)).toEqual(["AppImage", "deb"]);
        expect(config.linux.target.every((entry) => entry.arch.includes("x64"))).toBe(true);
    });

    test.each([
        ["mac", "arm64", ["mac-arm64-metal"]],
        ["mac", "x64", ["mac-x64"]],
        ["win", "x64", ["win-x64", "win-x64-cuda", "win-x64-cuda-ext", "win-x64-vulkan"]],
        ["linux", "x64", ["linux-x64", "linux-x64-cuda", "linux-x64-cuda-ext", "linux-x64-vulkan"]],
        ["linux", "arm64", ["linux-arm64"]]
    ] as const)("the %s %s package carries only its own llama.cpp binaries", (platform, arch, expected) => {
        expect(packedBinaryPackages(platform, arch).sort()).toEqual([...expected].sort());
    });

    test.each(["x64", "arm64"] as const)("the Linux %s package carries the portable OpenMP build of llama.cpp when it was built, unpacked, and no other local build", async (arch) => {
        const portable = await openMpBuildAddon("linux", arch, openMpBuilds.portable);
        expect(isPacked("linux", arch, portable)).toBe(true);
        expect(config.asarUnpack.some((pattern) => minimatch(portable, pattern))).toBe(true);
        expect(isPacked("linux", arch, await openMpBuildAddon("linux", arch, {GGML_OPENMP: "ON", GGML_NATIVE: "ON"}))).toBe(false);
        expect(isPacked("mac", "arm64", portable)).toBe(false);
        expect(isPacked("win", "x64", await openMpBuildAddon("win", "x64", openMpBuilds.portable))).toBe(false);
    });

    test("llama.cpp binaries and the SQLite addon are unpacked from the asar; better-sqlite3 is rebuilt for Electron", () => {
        expect(config.asarUnpack).toEqual(expect.arrayContaining(["node_modules/@node-llama-cpp/**", "node_modules/better-sqlite3/build/Release/*.node"]));
        expect(config.npmRebuild).toBe(true);
    });

    test("Electron fuses lock the binary down", () => {
        expect(config.electronFuses).toMatchObject({
            runAsNode: false,
            enableCookieEncryption: true,
            enableNodeOptionsEnvironmentVariable: false,
            enableNodeCliInspectArguments: false,
            enableEmbeddedAsarIntegrityValidation: true,
            onlyLoadAppFromAsar: true
        });
    });

    test("macOS uses the hardened runtime with the entitlements V8 and Metal need", () => {
        expect(config.mac.hardenedRuntime).toBe(true);
        const entitlements = readFileSync(path.join(repoRoot, config.mac.entitlements as string), "utf8");
        expect(entitlements).toContain("com.apple.security.cs.allow-jit");
        expect(entitlements).toContain("com.apple.security.cs.allow-unsigned-executable-memory");
    });

    test("auto-update is off until a release is built with a feed: no publish target here, electron-updater shipped", () => {
        // With no publish config electron-builder writes no app-update.yml, and main.ts then never loads the updater (test/unit/security).
        expect(config.publish).toBeUndefined();
        const manifest = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {dependencies: Record<string, string>};
        expect(Object.keys(manifest.dependencies)).toContain("electron-updater");
    });
});
