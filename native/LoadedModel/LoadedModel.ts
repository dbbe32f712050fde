import path from "node:path";
import type {Llama, LlamaContext, LlamaContextSequence, LlamaModel} from "node-llama-cpp";
import {resolveChatFormat, type ChatFormat} from "../chatFormat/resolveChatFormat.ts";
import {generateReply, type GenerateReplyOptions, type GenerateReplyResult} from "../generation/generateReply.ts";
import {PromptTokenizer} from "../generation/PromptTokenizer.ts";
import {InvalidModelFileError, readModelMetadata} from "../gguf/readModelMetadata.ts";
import {kvCacheContextOptions, type KvCacheType} from "../kvCache/kvCacheType.ts";

export interface LoadModelOptions {
    /** Tokens the context holds. Defaults to the largest that fits in memory, up to the model's training context. */
    contextSize?: number;
    /** CPU threads for evaluation. Defaults to the machine's math cores. */
    threads?: number;
    /** Layers offloaded to the GPU. Defaults to `"auto"`. */
    gpuLayers?: number | "auto";
    /** Tokens evaluated per batch while reading a prompt. Defaults to node-llama-cpp's choice (the context size, up to 512). */
    batchSize?: number;
    /** How the KV cache stores keys and values. Defaults to f16. */
    kvCacheType?: KvCacheType;
    signal?: AbortSignal;
}

/**
 * A model in memory with one context sequence that keeps the last conversation evaluated,
 * so a follow-up only evaluates what's new. Replies are generated one at a time.
 */
export class LoadedModel {
    readonly filePath: string;
    readonly format: ChatFormat;
    readonly #model: LlamaModel;
    readonly #context: LlamaContext;
    readonly #sequence: LlamaContextSequence;
    /** Remembers the last prompt's tokens, as the sequence remembers its evaluation. */
    readonly #prompts: PromptTokenizer;
    #queue: Promise<unknown> = Promise.resolve();

    private constructor(filePath: string, model: LlamaModel, context: LlamaContext) {
        this.filePath = filePath;
        this.#model = model;
        this.#context = context;
        this.#sequence = context.getSequence();
        this.#prompts = new PromptTokenizer(model.tokenizer);
        // Resolved now, not on the first prompt: a wrong template shows at load, and the first reply isn't slowed.
        this.format = resolveChatFormat(model);
    }

    static async load(llama: Llama, filePath: string, options: LoadModelOptions): Promise<LoadedModel> {
        // Checks the file first so a bad one gets a clear message instead of a llama.cpp failure.
        await readModelMetadata(filePath);
        let model: LlamaModel;
        try {
            model = await llama.loadModel({
                modelPath: filePath,
                gpuLayers: options.gpuLayers ?? "auto",
                loadSignal: options.signal
            });
        } catch (error) {
            throw new InvalidModelFileError(`llama.cpp could not load ${path.basename(filePath)}: ${(error as Error).message}`);
        }
        try {
            const kvCacheType = options.kvCacheType ?? "f16";
            const context = await model.createContext({
                ...kvCacheContextOptions(kvCacheType, model.fileInsights),
                contextSize: options.contextSize ?? {max: model.trainContextSize ?? 8192},
                // node-llama-cpp's own default can exceed the cores (4 on a 2-core machine), and
                // oversubscribed threads spin against each other: generation became 90× slower here.
                threads: options.threads ?? llama.cpuMathCores,
                batchSize: options.batchSize,
                createSignal: options.signal
            });
            return new LoadedModel(filePath, model, context);
        } catch (error) {
            await model.dispose();
            throw error;
        }
    }

    get model(): LlamaModel {
        return this.#model;
    }

    get contextSize(): number {
        return this.#context.contextSize;
    }

    get thinks(): boolean {
        return this.format.thoughtOpenTag != null;
    }

    /** Queued behind any reply in progress: one sequence can only generate one reply at a time. */
    generate(options: GenerateReplyOptions): Promise<GenerateReplyResult> {
        const reply = this.#queue.then(() => generateReply(this.#sequence, this.format, options, this.#prompts));
        this.#queue = reply.catch(() => undefined);
        return reply;
    }

    async dispose(): Promise<void> {
        await this.#queue;
        await this.#context.dispose();
        await this.#model.dispose();
    }
}
