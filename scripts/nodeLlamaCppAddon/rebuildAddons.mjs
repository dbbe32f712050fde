// Recompiles node-llama-cpp's addon for its prebuilt Linux binaries (CPU, CUDA and Vulkan, those
// installed) with one persistent ggml threadpool per context (AddonContextThreadpool.cpp), against
// those very binaries' libllama and ggml, and puts it in place of each prebuilt addon. Only the
// addon's own files are compiled (about 30 s on two cores), once for all packages, not llama.cpp;
// the headers come from the llama.cpp release node-llama-cpp ships as a git bundle, the one its
// binaries were built from. The addon uses Node-API only, so one build serves Node and Electron.
// Plain JavaScript with no dependencies: it runs at install.
import {spawn, spawnSync} from "node:child_process";
import {createHash} from "node:crypto";
import {copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from "node:fs";
import {createRequire} from "node:module";
import {availableParallelism, tmpdir} from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";

const threadpoolSource = fileURLToPath(new URL("./AddonContextThreadpool.cpp", import.meta.url));
/**
 * Records the inputs a package's addon was rebuilt from, or why it kept the prebuilt one, so a
 * second install doesn't compile again for either.
 */
const markerName = "ponder-addon.json";
/** The rebuilt addon while it is checked, beside the prebuilt one it replaces. */
const stagedName = "llama-addon.ponder.node";

/** node-llama-cpp's addon sources, edited where AddonContextThreadpool.cpp hooks in. */
const edits = [{
    file: "AddonContext.h",
    anchor: "        llama_context* ctx = nullptr;\n",
    added: "        ggml_threadpool* threadpool = nullptr;\n        int32_t threadpoolThreads = 0;\n        void attachThreadpool();\n        void freeThreadpool();\n",
    where: "after"
}, {
    file: "AddonContext.cpp",
    anchor: "                int r = llama_decode(ctx->ctx, ctx->batch);\n",
    added: "                ctx->attachThreadpool();\n",
    where: "before"
}, {
    file: "AddonContext.cpp",
    anchor: "        llama_free(currentCtx);\n",
    added: "        freeThreadpool();\n",
    where: "after"
}];

/**
 * The Vulkan package's addon reports GPU memory through Vulkan itself (the one source file with
 * GPU_INFO_USE_VULKAN), as node-llama-cpp builds it; the CPU and CUDA ones don't.
 */
const vulkanSource = path.join("globals", "getGpuInfo.cpp");

/**
 * @param {string} packageRoot node-llama-cpp's folder
 * @returns {Promise<string[]>} what happened to each package, for the install log
 */
export async function rebuildAddons(packageRoot) {
    if (process.platform !== "linux")
        return ["kept node-llama-cpp's prebuilt addon: the threadpool rebuild is for Linux (macOS runs on Metal; Windows' prebuilt packages carry no import libraries to link against)"];
    const scopeDir = path.join(packageRoot, "..", "@node-llama-cpp");
    const inputs = createHash("sha256")
        .update(JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8")).version)
        .update(readFileSync(threadpoolSource))
        .update(readFileSync(fileURLToPath(import.meta.url)))
        .digest("hex");
    const targets = (existsSync(scopeDir) ? readdirSync(scopeDir) : [])
        .filter((name) => name === `linux-${process.arch}` || name.startsWith(`linux-${process.arch}-`))
        .map((name) => ({name, binariesDir: path.join(scopeDir, name, "bins", name)}))
        .filter(({binariesDir}) => existsSync(path.join(binariesDir, "llama-addon.node")))
        .map((target) => ({...target, marker: readMarker(target.binariesDir)}));
    if (targets.length === 0)
        return [`kept node-llama-cpp's prebuilt addon: no prebuilt Linux ${process.arch} package is installed`];
    for (const {binariesDir} of targets)
        rmSync(path.join(binariesDir, stagedName), {force: true}); // an install stopped while it was checked
    const stale = targets.filter(({marker}) => marker?.inputs !== inputs);
    if (stale.length === 0)
        return targets.map(({name, marker}) => marker.kept == null
            ? `node-llama-cpp's ${name} addon already has the threadpool`
            : `kept node-llama-cpp's prebuilt ${name} addon, as at the last install: ${marker.kept}`);

    const workDir = mkdtempSync(path.join(tmpdir(), "ponder-addon-"));
    try {
        const sourceDir = path.join(workDir, "addon");
        cpSync(path.join(packageRoot, "llama", "addon"), sourceDir, {recursive: true});
        for (const {file, anchor, added, where} of edits) {
            const filePath = path.join(sourceDir, file);
            const source = readFileSync(filePath, "utf8");
            if (source.split(anchor).length !== 2)
                throw new Error(`${file} doesn't hold the line the threadpool edit hooks into, exactly once`);
            writeFileSync(filePath, source.replace(anchor, where === "before" ? added + anchor : anchor + added));
        }
        copyFileSync(threadpoolSource, path.join(sourceDir, path.basename(threadpoolSource)));

        const headersDir = extractLlamaCppHeaders(path.join(packageRoot, "llama", "gitRelease.bundle"), workDir);
        const nodeHeadersDir = path.resolve(path.dirname(process.execPath), "..", "include", "node");
        if (!existsSync(path.join(nodeHeadersDir, "node_api.h")))
            throw new Error(`Node's headers aren't at ${nodeHeadersDir}`);
        const nodeAddonApiDir = path.dirname(createRequire(path.join(packageRoot, "package.json")).resolve("node-addon-api/napi.h"));

        const compiler = process.env.CXX || "c++";
        const includes = [nodeAddonApiDir, nodeHeadersDir, "include", path.join("ggml", "include"), ".", "common", "src", "vendor"]
            .map((dir) => `-I${path.resolve(headersDir, dir)}`);
        const compile = (source, object, defines = []) =>
            run(compiler, ["-c", "-O3", "-DNDEBUG", "-std=c++17", "-fPIC", "-fexceptions", "-DNAPI_VERSION=7", ...defines, ...includes, path.join(sourceDir, source), "-o", object]);
        const sources = [...readdirSync(sourceDir, {recursive: true})].filter((file) => file.endsWith(".cpp"));
        const objects = await mapConcurrently(sources, availableParallelism(), async (source, index) => {
            const object = path.join(workDir, `${index}-${path.basename(source, ".cpp")}.o`);
            await compile(source, object);
            return object;
        });

        const results = [];
        for (const {name, binariesDir} of stale) {
            try {
                let packageObjects = objects;
                const libraries = [];
                if (name.endsWith("-vulkan")) {
                    const vulkanObject = path.join(workDir, "getGpuInfo-vulkan.o");
                    await compile(vulkanSource, vulkanObject, ["-DGPU_INFO_USE_VULKAN"])
                        .catch((error) => { throw new Error(`its Vulkan source didn't compile (Vulkan's headers come with libvulkan-dev): ${error.message}`); });
                    packageObjects = objects.map((object, index) => sources[index] === vulkanSource ? vulkanObject : object);
                    libraries.push("-l:libvulkan.so.1");
                }
                await relink(compiler, packageObjects, libraries, binariesDir, workDir);
                writeFileSync(path.join(binariesDir, markerName), JSON.stringify({inputs}) + "\n");
                results.push(`rebuilt node-llama-cpp's ${name} addon with a persistent threadpool`);
            } catch (error) {
                const kept = `it creates its threads for every token: ${error.message}`;
                writeFileSync(path.join(binariesDir, markerName), JSON.stringify({inputs, kept}) + "\n");
                results.push(`kept node-llama-cpp's prebuilt ${name} addon: ${kept}`);
            }
        }
        return results;
    } finally {
        rmSync(workDir, {recursive: true, force: true});
    }
}

function readMarker(binariesDir) {
    try {
        return JSON.parse(readFileSync(path.join(binariesDir, markerName), "utf8"));
    } catch {
        return undefined;
    }
}

/**
 * Links against the libraries the prebuilt addon loads (libllama, libllama-common, ggml and
 * ggml-base), not the backends ggml loads itself, then replaces the prebuilt addon once the new one
 * loads.
 */
async function relink(compiler, objects, extraLibraries, binariesDir, workDir) {
    const libraries = readdirSync(binariesDir).filter((file) => /^lib(llama.*|ggml\..*|ggml-base)\.so$/.test(file));
    const built = path.join(workDir, "llama-addon.node");
    await run(compiler, ["-shared", "-o", built, ...objects, `-L${binariesDir}`, ...libraries.map((library) => `-l:${library}`), ...extraLibraries, "-Wl,-rpath,$ORIGIN"]);
    // In the package's folder, so $ORIGIN finds the libraries.
    const staged = path.join(binariesDir, stagedName);
    copyFileSync(built, staged);
    const loads = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(staged)})`], {encoding: "utf8"});
    if (loads.status !== 0) {
        rmSync(staged, {force: true});
        throw new Error(`the rebuilt addon doesn't load: ${loads.stderr.trim().split("\n").at(-1)}`);
    }
    renameSync(staged, path.join(binariesDir, "llama-addon.node"));
}

/** The headers the addon includes, from the llama.cpp release in node-llama-cpp's git bundle. */
function extractLlamaCppHeaders(bundle, workDir) {
    const headersDir = path.join(workDir, "llama.cpp");
    git(["init", "--quiet", headersDir]);
    git(["-C", headersDir, "fetch", "--quiet", bundle, "HEAD:refs/heads/release"]);
    git(["-C", headersDir, "checkout", "--quiet", "release", "--", "include", "ggml/include", "common", "src", "vendor"]);
    return headersDir;
}

function git(args) {
    const result = spawnSync("git", args, {encoding: "utf8"});
    if (result.status !== 0)
        throw new Error(`git ${args[0] === "-C" ? args[2] : args[0]} failed: ${(result.stderr || result.error?.message || "").trim()}`);
}

function run(command, args) {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, {stdio: ["ignore", "ignore", "pipe"]});
        let stderr = "";
        child.stderr.on("data", (chunk) => stderr += chunk);
        child.on("error", (error) => reject(new Error(`${command} couldn't run: ${error.message}`)));
        child.on("close", (code) => code === 0 ? resolve() : reject(new Error(`${command} failed (${code}): ${stderr.trim().split("\n").slice(-3).join(" ")}`)));
    });
}

async function mapConcurrently(items, limit, work) {
    const results = new Array(items.length);
    let next = 0;
    await Promise.all(Array.from({length: Math.min(limit, items.length)}, async () => {
        while (next < items.length) {
            const index = next++;
            results[index] = await work(items[index], index);
        }
    }));
    return results;
}
