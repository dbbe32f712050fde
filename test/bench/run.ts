// `npm run bench`: every benchmark, side by side in one run; a table for people, then one
// JSON line per measure for comparing runs. `npm run bench -- decode api` runs only those.
import {apiPathBench} from "./apiPathBench.ts";
import {appPathBench} from "./appPathBench.ts";
import {conversationsBench} from "./conversationsBench.ts";
import {documentsBench} from "./documentsBench.ts";
import {draftBench} from "./draftBench.ts";
import {downloadBench} from "./downloadBench.ts";
import {eventLoopBench} from "./eventLoopBench.ts";
import {hubSearchBench} from "./hubSearchBench.ts";
import {indexingBench} from "./indexingBench.ts";
import {kvCacheBench} from "./kvCacheBench.ts";
import {meetsTarget, type Measure} from "./measure.ts";
import {parallelBench} from "./parallelBench.ts";
import {renderBench} from "./renderBench.ts";
import {resumeBench} from "./resumeBench.ts";
import {threadpoolBench} from "./threadpoolBench.ts";

const benches: Array<[id: string, title: string, bench: () => Promise<Measure[]>]> = [
    ["decode", "Streaming through the app vs raw llama.cpp decode", appPathBench],
    ["api", "Streaming through the OpenAI-compatible API vs in-process", apiPathBench],
    ["parallel", "One and four /v1 clients vs llama-server, and a desktop chat's first token while four API streams run", parallelBench],
    ["threadpool", "Where the single-stream gap comes from: llama.cpp's decode loop with and without OpenMP and a threadpool, and node-llama-cpp's", threadpoolBench],
    ["conversations", "Conversations at scale, and follow-up speed", conversationsBench],
    ["download", "Downloading 1 GiB with sha256: the download manager vs curl", downloadBench],
    ["documents", "Attaching a 300-page PDF: text extraction and the whole attach", documentsBench],
    ["indexing", "Indexing a document for retrieval (split, embed, store the vectors) vs node-llama-cpp embedding the same pieces", indexingBench],
    ["eventloop", "The server's event loop while a 4 MB prompt arrives through /v1 vs an ordinary request", eventLoopBench],
    ["hub", "Searching the hub: Ponder's client vs a bare fetch, against the fake hub", hubSearchBench],
    ["resume", "Coming back to a 4,000-token conversation: its state file vs a warm follow-up, and vs evaluating it again", resumeBench],
    ["kvcache", "A q8_0 KV cache vs f16: decode speed, and the context QwQ-32B fits on the reference M3", kvCacheBench],
    ["draft", "Speculative decoding: a scripted target alone vs with drafts that agree always, about 70 % of the time, and never", draftBench],
    ["render", "32,000 reasoning tokens and a long markdown answer into the renderer in Chromium", renderBench]
];

const chosen = process.argv.slice(2);
const unknown = chosen.filter((id) => !benches.some(([benchId]) => benchId === id));
if (unknown.length > 0)
    throw new Error(`Unknown bench ${unknown.join(", ")}; choose from ${benches.map(([id]) => id).join(", ")}.`);

const measures: Measure[] = [];
for (const [id, title, bench] of benches) {
    if (chosen.length > 0 && !chosen.includes(id))
        continue;
    console.log(`\n== ${title}`);
    const results = await bench();
    for (const result of results) {
        const verdict = meetsTarget(result);
        const mark = verdict == null ? "" : verdict ? "  ✓" : "  ✗ misses target";
        console.log(`  ${result.measure.padEnd(48)} ${String(result.value).padStart(10)} ${result.unit.padEnd(9)} ${result.target ?? ""}${mark}`);
    }
    measures.push(...results);
}
console.log("");
for (const result of measures)
    console.log(JSON.stringify(result));
