import type {EmbeddingModel} from "../../../native/index.ts";
import {PonderError} from "../../contract/errors.ts";
import type {ModelLibrary} from "../models/ModelLibrary.ts";

/** The embedding model in use and the key its vectors are stored under. */
export interface ActiveEmbedding {
    model: EmbeddingModel;
    /** The file's name and size: vectors of another model (or another version of the file) are never mixed. */
    key: string;
    /** The model's id in the library. */
    modelId: string;
}

/**
 * The embedding model, loaded on first use beside any chat model and kept: the first embedding
 * model the library lists (the catalog's is named for the user when there is none). Retrieval
 * over documents and `/v1/embeddings` share it.
 */
export class EmbeddingHost {
    readonly #library: ModelLibrary;
    readonly #load: (filePath: string) => Promise<EmbeddingModel>;
    /** What the user is told to download when no embedding model is there. */
    readonly #suggested: string;
    #active: Promise<ActiveEmbedding> | undefined;

    constructor(library: ModelLibrary, load: (filePath: string) => Promise<EmbeddingModel>, suggested: string) {
        this.#library = library;
        this.#load = load;
        this.#suggested = suggested;
    }

    /** The embedding model's id in the library, if one is there. */
    async available(): Promise<string | undefined> {
        return (await this.#library.list()).find((file) => file.metadata?.embedding === true)?.id;
    }

    /** Loads the model the first time; refuses with `documents.needEmbeddingModel` when there is none. */
    async active(): Promise<ActiveEmbedding> {
        this.#active ??= this.#open();
        try {
            return await this.#active;
        } catch (error) {
            this.#active = undefined; // the user may download one and ask again
            throw error;
        }
    }

    async dispose(): Promise<void> {
        const active = await this.#active?.catch(() => undefined);
        this.#active = undefined;
        await active?.model.dispose();
    }

    async #open(): Promise<ActiveEmbedding> {
        const modelId = await this.available();
        if (modelId == null)
            throw new PonderError("documents.needEmbeddingModel", {model: this.#suggested});
        const {path: filePath, file} = await this.#library.resolve(modelId);
        let model: EmbeddingModel;
        try {
            model = await this.#load(filePath);
        } catch (error) {
            throw error instanceof PonderError ? error : new PonderError("documents.embeddingModelFailed", {reason: (error as Error).message}, {cause: error});
        }
        return {model, key: `${file.fileName}:${file.sizeBytes}`, modelId};
    }
}
