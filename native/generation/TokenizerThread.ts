import {once} from "node:events";
import type {Worker} from "node:worker_threads";
import type {Token} from "node-llama-cpp";
import {PonderError} from "../../electron/contract/errors.ts";
import {startWorker} from "../worker/startWorker.ts";
import type {CloseRequest, TokenizeReply, TokenizeRequest, TokenizerThreadWorkerData} from "./tokenizerThreadWorker.ts";

/** How long a closing thread may take to release its model before it is terminated. */
const closeTimeoutMs = 10_000;

/**
 * Tokens as the thread sends them, without copying millions of them into an array on the event
 * loop: enough to count and to iterate.
 */
export type ThreadTokens = Uint32Array & Iterable<Token>;

/** The getLlama options of the llama.cpp build the main thread loaded: a local build's CMake options, or none for the prebuilt binaries. */
export type TokenizerBuild = {cmakeOptions: Record<string, string>; usePrebuiltBinaries: false} | Record<string, never>;

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
            worker.postMessage({id, text, specialTokens, options} satisfies TokenizeRequest);
        });
    }

    /** Asks the thread to release its model and end (see {@link CloseRequest}); terminates it only if it doesn't. */
    async dispose(): Promise<void> {
        const worker = this.#worker;
        this.#worker = undefined;
        if (worker == null)
            return;
        const exited = once(worker, "exit");
        worker.postMessage({close: true} satisfies CloseRequest);
        const timeout = new Promise<"timeout">((resolve) => setTimeout(resolve, closeTimeoutMs, "timeout").unref());
        if (await Promise.race([exited, timeout]) === "timeout")
            await worker.terminate();
    }

    #start(): Worker {
        const worker = startWorker(import.meta.url, "tokenizerThreadWorker", {modelPath: this.#modelPath, build: this.#build} satisfies TokenizerThreadWorkerData);
        worker.on("message", (reply: TokenizeReply) => {
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
