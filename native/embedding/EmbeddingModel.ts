import type {Llama, LlamaEmbeddingContext, LlamaModel} from "node-llama-cpp";
import {loadModelFile} from "../LoadedModel/loadModelFile.ts";

export interface LoadEmbeddingModelOptions {
    /** Tokens one text may have; longer texts are cut. Defaults to the model's training context, up to 2048. */
    contextSize?: number;
    threads?: number;
    signal?: AbortSignal;
}

/**
 * An embedding model in memory: turns a text into a unit vector, so the cosine of two texts'
 * vectors is their dot product. Texts are embedded one at a time (llama.cpp's embedding context
 * has one sequence); a text longer than the context is cut to it rather than refused.
 */
export class EmbeddingModel {
    readonly filePath: string;
    readonly #model: LlamaModel;
    readonly #context: LlamaEmbeddingContext;
    /** Tokens a text may have, less the begin and end tokens the context may add. */
    readonly #maxTokens: number;

    private constructor(filePath: string, model: LlamaModel, context: LlamaEmbeddingContext, contextSize: number) {
        this.filePath = filePath;
        this.#model = model;
        this.#context = context;
        this.#maxTokens = contextSize - 3;
    }

    static async load(llama: Llama, filePath: string, options: LoadEmbeddingModelOptions = {}): Promise<EmbeddingModel> {
        const model = await loadModelFile(llama, filePath, {signal: options.signal});
        try {
            const contextSize = options.contextSize ?? Math.min(model.trainContextSize, 2048);
            const context = await model.createEmbeddingContext({
                contextSize,
                // node-llama-cpp's default is 6 threads whatever the machine: oversubscribed cores spin.
                threads: options.threads ?? llama.cpuMathCores,
                createSignal: options.signal
            });
            return new EmbeddingModel(filePath, model, context, contextSize);
        } catch (error) {
            await model.dispose();
            throw error;
        }
    }

    /** The vector's length. */
    get dimensions(): number {
        return this.#model.embeddingVectorSize;
    }

    /** Tokens a text has for this model (what `/v1/embeddings` reports as usage). */
    countTokens(text: string): number {
        return this.#model.tokenize(text).length;
    }

    /** The text's unit vector (all zeros for an empty text). */
    async embed(text: string): Promise<Float32Array> {
        const embedding = await this.#context.getEmbeddingFor(this.#fitted(text));
        const vector = Float32Array.from(embedding.vector);
        const norm = Math.hypot(...vector);
        if (norm > 0)
            for (let index = 0; index < vector.length; index++)
                vector[index]! /= norm;
        return vector.length === 0 ? new Float32Array(this.dimensions) : vector;
    }

    async dispose(): Promise<void> {
        await this.#context.dispose();
        await this.#model.dispose();
    }

    /** The text, or its first tokens when it is longer than the context. */
    #fitted(text: string): string | ReturnType<LlamaModel["tokenize"]> {
        const tokens = this.#model.tokenize(text);
        return tokens.length <= this.#maxTokens ? text : tokens.slice(0, this.#maxTokens);
    }
}
