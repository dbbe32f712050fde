import path from "node:path";
import type {Llama, LlamaModel, LlamaModelOptions} from "node-llama-cpp";
import {PonderError} from "../../electron/contract/errors.ts";
import {readModelMetadata} from "../gguf/readModelMetadata.ts";

/**
 * Loads a GGUF file into llama.cpp, for a chat model, a draft or an embedding model alike. The
 * file's header (split parts included) is checked first, because llama.cpp aborts the process on
 * some malformed files; its own load failure becomes `model.llamaCouldNotLoad`.
 */
export async function loadModelFile(llama: Llama, filePath: string, options: {gpuLayers?: LlamaModelOptions["gpuLayers"]; signal?: AbortSignal}): Promise<LlamaModel> {
    await readModelMetadata(filePath);
    try {
        return await llama.loadModel({modelPath: filePath, gpuLayers: options.gpuLayers ?? "auto", loadSignal: options.signal});
    } catch (error) {
        throw new PonderError("model.llamaCouldNotLoad", {file: path.basename(filePath), reason: (error as Error).message}, {cause: error});
    }
}
