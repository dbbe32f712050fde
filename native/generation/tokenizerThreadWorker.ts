// The thread of a TokenizerThread: loads the GGUF's vocabulary only (no weights), so its tokens
// are those of the loaded model, with the llama.cpp build the main thread loaded (its libraries
// are the process's: a second build's would clash). Started by startWorker.
import {parentPort, workerData} from "node:worker_threads";
import type {LlamaModel, Token} from "node-llama-cpp";
import type {TokenizerBuild} from "./TokenizerThread.ts";

export interface TokenizerThreadWorkerData {
    modelPath: string;
    build: TokenizerBuild;
}

export interface TokenizeRequest {
    id: number;
    text: string;
    specialTokens: boolean;
    options?: "trimLeadingSpace";
}

/**
 * Ends the thread once its model is released. A thread terminated with node-llama-cpp loaded can
 * abort the whole process ("terminate called after throwing an instance of 'Napi::Error'", seen
 * in CI): the addon's work still in flight finds its environment gone.
 */
export interface CloseRequest {
    close: true;
}

/** The tokens (moved, not copied), or why tokenizing failed. */
export type TokenizeReply = {id: number; tokens: Uint32Array<ArrayBuffer>; error?: undefined} | {id: number; tokens?: undefined; error: string};

const {modelPath, build} = workerData as TokenizerThreadWorkerData;
const port = parentPort!;

// A dynamic import: from source the worker is loaded through tsx's require, and node-llama-cpp is ESM.
const llamaReady = (async () => {
    const {getLlama, LlamaLogLevel} = await import("node-llama-cpp");
    return getLlama({gpu: false, build: "never", ...build, logLevel: LlamaLogLevel.error});
})();
const ready: Promise<LlamaModel> = llamaReady.then((llama) => llama.loadModel({modelPath, vocabOnly: true}));

port.on("message", async (request: TokenizeRequest | CloseRequest) => {
    if ("close" in request) {
        // Disposing the llama disposes its models; with the port closed, the thread's loop empties and it exits.
        await (await llamaReady.catch(() => undefined))?.dispose();
        port.close();
        return;
    }
    const {id, text, specialTokens, options} = request;
    let reply: TokenizeReply;
    try {
        const model = await ready;
        reply = {id, tokens: Uint32Array.from(model.tokenize(text, specialTokens, options) as Token[])};
    } catch (error) {
        reply = {id, error: error instanceof Error ? error.message : String(error)};
    }
    port.postMessage(reply, reply.tokens == null ? [] : [reply.tokens.buffer]);
});
