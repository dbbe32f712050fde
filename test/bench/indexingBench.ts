import {linkSync, mkdirSync, mkdtempSync, rmSync} from "node:fs";
import {availableParallelism, tmpdir} from "node:os";
import path from "node:path";
import type {Attachment} from "../../electron/contract.ts";
import {AttachmentStore} from "../../electron/core/documents/AttachmentStore.ts";
import {DocumentIndex} from "../../electron/core/documents/DocumentIndex.ts";
import {DocumentRetrieval} from "../../electron/core/documents/DocumentRetrieval.ts";
import {EmbeddingHost} from "../../electron/core/documents/EmbeddingHost.ts";
import {splitDocument} from "../../electron/core/documents/splitDocument.ts";
import {ModelLibrary} from "../../electron/core/models/ModelLibrary.ts";
import {LlamaRuntime} from "../../native/index.ts";
import {ensureBenchEmbeddingModel} from "../fixtures/models/fixtureModels.ts";
import {writeTextPdf} from "../fixtures/documents/writeTextPdf.ts";
import {median, round1, round3, type Measure} from "./measure.ts";
import {benchGpu, benchLlamaBuild, openBenchLlama} from "./support/openBenchCore.ts";

const pageCount = 12;
const linesPerPage = 50;
const rounds = 2;
const contextSize = 512;

/**
 * Indexing a document for retrieval (split by structure, embed every piece, store the vectors in
 * SQLite with sqlite-vec, progress reported) against node-llama-cpp embedding the same texts
 * in a bare loop, with an embedding model of Qwen3-Embedding-0.6B's cost, same threads and
 * context. Rounds alternate, each on a fresh index, so drifts in machine load hit both alike.
 */
export async function indexingBench(): Promise<Measure[]> {
    const modelPath = await ensureBenchEmbeddingModel();
    const threads = availableParallelism();
    const dir = mkdtempSync(path.join(tmpdir(), "ponder-bench-indexing-"));
    const modelsDir = path.join(dir, "models");
    mkdirSync(modelsDir);
    linkSync(modelPath, path.join(modelsDir, "embedding.gguf"));

    const store = new AttachmentStore(path.join(dir, "store"), async (text) => Math.ceil(text.length / 3.5));
    const attachment: Attachment = await store.add("report.pdf", writeTextPdf(reportPages()));
    const pieces = splitDocument(store.document(attachment.id)!);
    // DocumentRetrieval's rule: a piece is embedded with the heading it sits under.
    const texts = pieces.map((piece) => piece.heading == null || piece.text.startsWith(piece.heading) ? piece.text : `${piece.heading}\n${piece.text}`);

    const runtime = await LlamaRuntime.create({gpu: benchGpu, llamaBuild: benchLlamaBuild});
    const embeddings = new EmbeddingHost(new ModelLibrary(modelsDir), (filePath) => runtime.loadEmbeddingModel(filePath, {threads, contextSize}), "an embedding model");
    const rawLlama = await openBenchLlama();
    const rawModel = await rawLlama.loadModel({modelPath});
    const rawContext = await rawModel.createEmbeddingContext({contextSize, threads});
    const appMs: number[] = [];
    const rawMs: number[] = [];
    let tokens = 0;
    try {
        const {model} = await embeddings.active();
        tokens = texts.reduce((sum, text) => sum + model.countTokens(text), 0);
        // A warm-up of each, so neither pays for first-use allocations in the figures.
        await model.embed(texts[0]!);
        await rawContext.getEmbeddingFor(texts[0]!);
        for (let round = 0; round < rounds; round++) {
            const index = new DocumentIndex(path.join(dir, `index-${round}`));
            const retrieval = new DocumentRetrieval(store, index, embeddings, (text) => Math.ceil(text.length / 3.5));
            let reported = 0;
            let started = performance.now();
            await retrieval.passages("What did the committee decide about the budget?", [attachment], 2048, new AbortController().signal, () => reported++);
            appMs.push(performance.now() - started);
            index.close();
            if (reported < 2)
                throw new Error(`Indexing reported progress ${reported} times.`);

            started = performance.now();
            for (const text of texts)
                await rawContext.getEmbeddingFor(text);
            rawMs.push(performance.now() - started);
        }
    } finally {
        await rawContext.dispose();
        await rawModel.dispose();
        await rawLlama.dispose();
        await embeddings.dispose();
        await runtime.dispose();
        rmSync(dir, {recursive: true, force: true});
    }
    const ratio = median(appMs.map((ms, round) => rawMs[round]! / ms));
    const app = median(appMs);
    return [
        {measure: "indexing.pieces", value: pieces.length, unit: "pieces", target: null},
        {measure: "indexing.tokens", value: tokens, unit: "tokens", target: null},
        {measure: "indexing.app_pages_per_minute", value: round1(pageCount / (app / 60_000)), unit: "pages/min", target: null},
        {measure: "indexing.app_tokens_per_second", value: round1(tokens / (app / 1000)), unit: "tokens/s", target: null},
        {measure: "indexing.raw_tokens_per_second", value: round1(tokens / (median(rawMs) / 1000)), unit: "tokens/s", target: null},
        {measure: "indexing.app_to_raw_speed_ratio", value: round3(ratio), unit: "ratio", target: ">= 0.95"}
    ];
}

/** Pages of prose, 50 lines of 12 words each, with a heading every few pages. */
function reportPages(): string[][] {
    const words = "the committee reviewed each proposal against the budget and the schedule before a vote".split(" ");
    return Array.from({length: pageCount}, (_, page) => [
        ...page % 4 === 0 ? [`Section ${page / 4 + 1}`] : [],
        ...Array.from({length: linesPerPage}, (_, line) => Array.from({length: 12}, (_, word) => words[(page * 7 + line * 3 + word) % words.length]).join(" "))
    ]);
}
