// `npm run build:llama`: builds node-llama-cpp's bundled llama.cpp with OpenMP for
// the CPU (Linux), which LlamaRuntime then prefers to the prebuilt binaries (docs/performance.md
// says why). Offline: the source is node-llama-cpp's git bundle. The build (every CPU variant,
// most of an hour on two cores) goes into
// node-llama-cpp's localBuilds folder, where its getLlama finds it, and a copy is kept in
// ~/.cache/ponder so that another checkout of the same version restores it in seconds.
import {spawnSync} from "node:child_process";
import {cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync} from "node:fs";
import {createRequire} from "node:module";
import {homedir} from "node:os";
import path from "node:path";
import {LlamaLogLevel} from "node-llama-cpp";
import {loadLocalBuild, localBuildsDir, openMpBuildPlatforms, openMpBuilds, usesOpenMp, type OpenMpBuildName} from "../native/LlamaRuntime/openMpBuild.ts";
import {openMpBuildFolder} from "./openMpBuildFolder.ts";

const requested = process.argv[2] ?? "portable";
if (!Object.hasOwn(openMpBuilds, requested))
    throw new Error(`build:llama: no build named ${requested}; choose from ${Object.keys(openMpBuilds).join(", ")}.`);
const name = requested as OpenMpBuildName;
const cmakeOptions = openMpBuilds[name];
const packageDir = path.resolve(path.dirname(createRequire(import.meta.url).resolve("node-llama-cpp")), "..");
const llamaDir = path.join(packageDir, "llama");
const version = (JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as {version: string}).version;
const cacheDir = path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), ".cache"), "ponder", "node-llama-cpp",
    `${version}-${process.platform}-${process.arch}-openmp-${name}`);

if (!openMpBuildPlatforms.includes(process.platform)) {
    console.log(`build:llama: nothing to build on ${process.platform}; Ponder uses node-llama-cpp's prebuilt binaries here.`);
    process.exit(0);
}
const folderName = await openMpBuildFolder(cmakeOptions, "linux", process.arch);
const buildDir = path.join(localBuildsDir, folderName);
const cachedDir = path.join(cacheDir, folderName);

if (!await loadsWithOpenMp() && existsSync(path.join(cachedDir, "buildDone.status"))) {
    cpSync(cachedDir, buildDir, {recursive: true});
    console.log(`build:llama: restored the ${name} OpenMP build from ${cachedDir}.`);
}
if (!await loadsWithOpenMp()) {
    build();
    if (name === "portable")
        bundleOpenMpRuntime(path.join(buildDir, "Release"));
}
if (!await loadsWithOpenMp())
    throw new Error(`build:llama: the ${name} build in ${buildDir} does not load, or has no OpenMP.`);
if (!existsSync(path.join(cachedDir, "buildDone.status"))) {
    rmSync(cachedDir, {recursive: true, force: true});
    mkdirSync(cacheDir, {recursive: true});
    cpSync(buildDir, cachedDir, {recursive: true});
}
console.log(`build:llama: the ${name} OpenMP build is ready in ${buildDir} (a copy in ${cachedDir}).`);

/** Whether the build is here, loads, and has OpenMP (what LlamaRuntime checks too). */
async function loadsWithOpenMp(): Promise<boolean> {
    try {
        const llama = await loadLocalBuild(name, LlamaLogLevel.error);
        const openMp = usesOpenMp(llama);
        await llama.dispose();
        return openMp;
    } catch {
        return false;
    }
}

function build() {
    // Only these options: node-llama-cpp names the folder after every option it is given.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("NODE_LLAMA_CPP_CMAKE_OPTION_")));
    for (const [option, value] of Object.entries(cmakeOptions))
        env[`NODE_LLAMA_CPP_CMAKE_OPTION_${option}`] = value;
    // `source download` clones the bundled release first (offline); `source build` reuses that clone.
    const command = existsSync(path.join(llamaDir, "llama.cpp", "CMakeLists.txt")) ? "build" : "download";
    console.log(`build:llama: building the ${name} OpenMP build of llama.cpp (${JSON.stringify(cmakeOptions)}); this takes a while…`);
    const result = spawnSync("npx", ["--no", "node-llama-cpp", "source", command, "--gpu", "false", "--noUsageExample"], {stdio: "inherit", env});
    if (result.status !== 0)
        throw new Error(`build:llama: node-llama-cpp source ${command} failed (${result.status ?? result.signal}).`);
}

/**
 * The portable build ships to machines that may lack GCC's OpenMP runtime; its libraries look
 * beside themselves first (RUNPATH $ORIGIN), so a copy goes there.
 */
function bundleOpenMpRuntime(releaseDir: string) {
    const found = spawnSync("gcc", ["-print-file-name=libgomp.so.1"], {encoding: "utf8"}).stdout.trim();
    if (!path.isAbsolute(found) || !existsSync(found))
        throw new Error("build:llama: GCC's libgomp.so.1 was not found; install gcc (it is the OpenMP runtime the build links).");
    cpSync(realpathSync(found), path.join(releaseDir, "libgomp.so.1"));
}
