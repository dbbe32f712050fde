// Fixes node-llama-cpp 3.21.1's speculative decoding in place, after every install (postinstall):
// `LlamaContextSequence._speculativeEvaluate` checks each drafted token after a batch's first
// against `validatedTokens.at(-1)`, an array nothing fills, so only the first drafted token of a
// batch can be accepted and a right draft of k tokens costs k - 1 refuted ones. The fix compares
// each drafted token with the token the target sampled at the position before it, which is what
// the first one is compared with. An edit of the installed file rather than a patched fork or
// patch-package: one line, no dependency, and what electron-builder packs is node_modules as
// installed. It refuses any other node-llama-cpp version, so an upgrade can't skip it unnoticed.
// Plain JavaScript with no dependencies: it runs before anything of ours is built.
import {readFileSync, writeFileSync} from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";

const pinnedVersion = "3.21.1";
const broken = `                                    : validatedTokens.at(-1)?.[1];`;
const fixed = `                                    : (decodeResult[i - 1] instanceof Array ? decodeResult[i - 1][0] : decodeResult[i - 1]); // Ponder: scripts/patchNodeLlamaCpp.mjs`;

const packageRoot = fileURLToPath(new URL("../node_modules/node-llama-cpp/", import.meta.url));
const {version} = JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8"));
if (version !== pinnedVersion)
    fail(`node-llama-cpp is ${version}; scripts/patchNodeLlamaCpp.mjs fixes ${pinnedVersion} only. Check whether ${version} still needs the fix, then update or remove the script.`);

const file = path.join(packageRoot, "dist", "evaluator", "LlamaContext", "LlamaContext.js");
const source = readFileSync(file, "utf8");
if (!source.includes(fixed)) {
    if (source.split(broken).length !== 2)
        fail(`${file} doesn't hold the line scripts/patchNodeLlamaCpp.mjs fixes, exactly once.`);
    writeFileSync(file, source.replace(broken, fixed));
}

function fail(message) {
    console.error(message);
    process.exit(1);
}
