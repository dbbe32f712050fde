import {createRequire} from "node:module";
import {pathToFileURL} from "node:url";
import {Worker} from "node:worker_threads";
import type {Token} from "node-llama-cpp";
import {PonderError} from "../../electron/contract/errors.ts";

// CommonJS, evaluated: no separate file to find once the main process is bundled. It loads the
// same GGUF's vocabulary only (no weights), so its tokens are those of the loaded model, and
// the same llama.cpp build (its libraries are the process's: a second build's would clash).
const workerSource = `
const {parentPort, workerData} = require("node:worker_threads");
const ready = (async () => {
    const {getLlama, LlamaLogLevel} = await import(workerData.nodeLlamaCppUrl);
    const llama = await getLlama({gpu: false, build: "never", ...workerData.build, logLevel: LlamaLogLevel.error});
    return llama.loadModel({modelPath: workerData.modelPath, vocabOnly: true});
})();
parentPort.on("message", async ({id, text, specialTokens, options}) => {
    try {
        const model = await ready;
        const tokens = Uint32Array.from(model.tokenize(text, specialTokens, options));
        parentPort.postMessage({id, tokens}, [tokens.buffer]);
    } catch (error) {
        parentPort.postMessage({id, error: String(error && error.message || error)});
    }
});
`;

/**
 * Tokens as the thread sends them, without copying millions of them into an array on the event
 * loop: enough to count and to iterate.
 */
export type ThreadTokens = Uint32Array & Iterable<Token>;

/** The getLlama options of the llama.cpp build the main thread loaded: a local build's CMake options, or none for the prebuilt binaries. */
export type TokenizerBuild = {cmakeOptions: Record<string, string>; usePrebuiltBinaries: false} | Record<string, never>;

type Reply = {id: number; tokens: Uint32Array; error?: undefined} | {id: number; error: string};

/**
 * Tokenizes text on a thread of its own. Tokenizing runs synchronously in llama.cpp and takes
 * seconds for a pasted 4 MB document (about a second per megabyte here): on the main thread,
 * every other client of the server would wait that long. Started on first use.
 */
export class TokenizerThread {
    readonly #modelPath: string;
    readonly #build: TokenizerBuild;
    #worker: Worker | undefined;
    readonly #pending = new Map<number, {resolve: (tokens: ThreadTokens) => void; reject: (error: Error) => void}>();
    #nextId = 0;

    constructor(modelPath: string, build: TokenizerBuild = {}) {
        this.#modelPath = modelPath;
        this.#build = build;
    }

    /** The tokens `model.tokenize(text, specialTokens, options)` gives on the loaded model. */
    tokenize(text: string, specialTokens: boolean, options?: "trimLeadingSpace"): Promise<ThreadTokens> {
        const worker = this.#worker ??= this.#start();
        const id = this.#nextId++;
        return new Promise<ThreadTokens>((resolve, reject) => {
            this.#pending.set(id, {resolve, reject});
            worker.postMessage({id, text, specialTokens, options});
        });
    }

    async dispose(): Promise<void> {
        const worker = this.#worker;
        this.#worker = undefined;
        await worker?.terminate();
    }

    #start(): Worker {
        const nodeLlamaCppUrl = pathToFileURL(createRequire(import.meta.url).resolve("node-llama-cpp")).href;
        const worker = new Worker(workerSource, {eval: true, execArgv: [], workerData: {nodeLlamaCppUrl, modelPath: this.#modelPath, build: this.#build}});
        worker.on("message", (reply: Reply) => {
            const waiting = this.#pending.get(reply.id);
            this.#pending.delete(reply.id);
            if (reply.error == null)
                waiting?.resolve(reply.tokens as ThreadTokens);
            else
                waiting?.reject(new PonderError("model.tokenizerFailed", {reason: reply.error}));
        });
        const failAll = (error: PonderError) => {
            for (const waiting of this.#pending.values())
                waiting.reject(error);
            this.#pending.clear();
            this.#worker = undefined;
        };
        worker.on("error", (error) => failAll(new PonderError("model.tokenizerFailed", {reason: error.message}, {cause: error})));
        worker.on("exit", (exitCode) => failAll(new PonderError("model.tokenizerFailed", {reason: `the tokenizer thread stopped (${exitCode})`})));
        return worker;
    }
}
