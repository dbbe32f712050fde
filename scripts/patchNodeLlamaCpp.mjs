// Fixes node-llama-cpp 3.21.1's speculative decoding and batching in place, after every install
// (postinstall), and rebuilds its Linux addons with a persistent threadpool
// (scripts/nodeLlamaCppAddon/rebuildAddons.mjs).
// Edits of the installed files rather than a patched fork or patch-package: one line an edit, no
// dependency, and what electron-builder packs is node_modules as installed. It refuses any other
// node-llama-cpp version, so an upgrade can't skip it unnoticed. Plain JavaScript with no
// dependencies: it runs before anything of ours is built.
import {readFileSync, writeFileSync} from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {rebuildAddons} from "./nodeLlamaCppAddon/rebuildAddons.mjs";

const pinnedVersion = "3.21.1";
const marker = " // Ponder: scripts/patchNodeLlamaCpp.mjs";
const fixes = [{
    // `_speculativeEvaluate` checked each drafted token after a batch's first against
    // `validatedTokens.at(-1)`, an array nothing fills, so only the first drafted token of a batch
    // could be accepted. Each is now checked against the token the target sampled at the position
    // before it, as the first one is.
    file: "dist/evaluator/LlamaContext/LlamaContext.js",
    broken: "                                    : validatedTokens.at(-1)?.[1];",
    fixed: "                                    : (decodeResult[i - 1] instanceof Array ? decodeResult[i - 1][0] : decodeResult[i - 1]);"
}, {
    // After the target refuted a draft, the predictor kept waiting for its stale drafted tokens
    // to be used up, and answered the next step with none: a plain decode after every miss. The
    // target's own token voids them (a pending reset), so drafting starts again at once.
    file: "dist/evaluator/LlamaContext/tokenPredictors/DraftSequenceTokenPredictor.js",
    broken: "        if (!this._waitForPredictionExhaustion || this._predictedTokens.length === 0) {",
    fixed: "        if (!this._waitForPredictionExhaustion || this._predictedTokens.length === 0 || this._resetPredictions) {"
}, {
    // A reset (the target's token differs from the draft's) that arrives while the draft is
    // evaluating a token was dropped: the draft's loop ended without resuming, and a target waiting
    // for drafted tokens (minTokens) waited for good. The loop now resumes when it has work left.
    file: "dist/evaluator/LlamaContext/tokenPredictors/DraftSequenceTokenPredictor.js",
    broken: "                this._active = false;",
    fixed: "                this._active = false; if (this._resetPredictions || this._minTokensCallbacks.length > 0) this._resume();"
}, {
    // The draft's sequence holds every drafted token but the last: the draft evaluates a token to
    // draft the next. Not so when minConfidence cut a draft short: the unsure token was drafted by
    // evaluating the last one kept. The predictor took both for the first case, so after the target
    // refuted a token of a cut draft one refuted token stayed in the draft's sequence, and after it
    // accepted a whole uncut draft the last token was never evaluated: either way the draft drafted
    // on from a wrong context. `_lastPredictionEvaluated` says which case it is, set here...
    file: "dist/evaluator/LlamaContext/tokenPredictors/DraftSequenceTokenPredictor.js",
    broken: "                            shouldBreak = true;",
    fixed: "                            shouldBreak = true; this._lastPredictionEvaluated = true;"
}, {
    // ...and cleared with each drafted token;
    file: "dist/evaluator/LlamaContext/tokenPredictors/DraftSequenceTokenPredictor.js",
    broken: "                            this._predictedTokens.push(token);",
    fixed: "                            { this._predictedTokens.push(token); this._lastPredictionEvaluated = false; }"
}, {
    // after a refuted token, the draft's sequence loses all the drafted tokens it holds from there;
    file: "dist/evaluator/LlamaContext/tokenPredictors/DraftSequenceTokenPredictor.js",
    broken: "                    const tokenToDelete = Math.max(0, Math.min(this._predictedTokens.length - 1, this._draftSequence.context.contextSize));",
    fixed: "                    const tokenToDelete = Math.max(0, Math.min(this._predictedTokens.length - (this._lastPredictionEvaluated ? 0 : 1), this._draftSequence.context.contextSize));"
}, {
    // and an accepted last drafted token that was never evaluated is taken as the target's own
    // token, which the draft evaluates before drafting on.
    file: "dist/evaluator/LlamaContext/tokenPredictors/DraftSequenceTokenPredictor.js",
    broken: "                if (this._predictedTokens.length > 0 && this._predictedTokens[0] === token) {",
    fixed: "                if (this._predictedTokens.length > (this._lastPredictionEvaluated ? 0 : 1) && this._predictedTokens[0] === token) {"
}, {
    // The batch loop decoded whatever was queued the moment a batch's sampling finished, before the
    // replies that had just got their tokens could queue their next: with four replies streaming,
    // every batch held three and the fourth went in the next (a quarter of the batching lost;
    // llama-server samples every slot, then decodes them all). One event-loop turn lets them all
    // queue first; a single reply waits microseconds.
    file: "dist/evaluator/LlamaContext/LlamaContext.js",
    broken: "                        shouldHaveAnotherLoop = this._queuedDecodes.length > 0;",
    fixed: "                        await new Promise((resolve) => setImmediate(resolve)); shouldHaveAnotherLoop = this._queuedDecodes.length > 0;"
}, {
    // llama.cpp splits a batch over a context's separate KV streams into one micro-batch per run
    // of consecutive sequence ids (llama_batch_allocr::split_equal, sequential), and each
    // micro-batch is a pass over all the weights. Added in queue order (1, 2, 3, 0), four replies'
    // tokens took two to four passes: 140 ms a decode instead of 78 here. In id order, one.
    file: "dist/evaluator/LlamaContext/LlamaContext.js",
    broken: "                for (const { queuedDecode, processAmount } of batchItems) {",
    fixed: "                for (const { queuedDecode, processAmount } of [...batchItems].sort((a, b) => a.queuedDecode.sequenceId - b.queuedDecode.sequenceId)) {"
}];

const packageRoot = fileURLToPath(new URL("../node_modules/node-llama-cpp/", import.meta.url));
const {version} = JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8"));
if (version !== pinnedVersion)
    fail(`node-llama-cpp is ${version}; scripts/patchNodeLlamaCpp.mjs fixes ${pinnedVersion} only. Check whether ${version} still needs its fixes, then update or remove the script.`);

for (const {file, broken, fixed} of fixes) {
    const filePath = path.join(packageRoot, file);
    const source = readFileSync(filePath, "utf8");
    if (source.includes(fixed + marker))
        continue;
    if (source.split(broken).length !== 2)
        fail(`${filePath} doesn't hold the line scripts/patchNodeLlamaCpp.mjs fixes, exactly once.`);
    writeFileSync(filePath, source.replace(broken, fixed + marker));
}

// Without the rebuilt addon Ponder still works, only slower at two threads and more, so an install
// without a C++ compiler goes on; test/model/cpuAddonThreadpool.test.ts catches it where tests run.
try {
    for (const line of await rebuildAddons(packageRoot))
        console.log(`Ponder: ${line}`);
} catch (error) {
    console.warn(`Ponder: kept node-llama-cpp's prebuilt addons, which create their threads for every token (slower at 2 threads and more; docs/performance.md): ${error.message}`);
}

function fail(message) {
    console.error(message);
    process.exit(1);
}
