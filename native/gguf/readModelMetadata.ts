import {open, stat} from "node:fs/promises";
import path from "node:path";
import {GgufFileType, GgufInsights, type GgufFileInfo} from "node-llama-cpp";
import {PonderError} from "../../electron/contract/errors.ts";
import {readGgufInfo} from "./readGgufInfo.ts";

export interface ModelFileMetadata {
    name: string;
    architecture: string;
    quantization: string;
    parameterCount?: number;
    contextLength?: number;
    /** Whether the chat template has the model reason in `<think>` before answering. */
    thinks: boolean;
    /** An embedding model (it pools its states into one vector per text) rather than a chat model. */
    embedding: boolean;
    /**
     * A recurrent (Mamba, RWKV) or hybrid (Jamba, LFM2, Qwen3-Next, Qwen3.5…) model, as llama.cpp
     * counts them (`llama_model_is_recurrent`, `llama_model_is_hybrid`): its state can't be
     * rolled back token by token, which speculative decoding needs.
     */
    recurrent: boolean;
}

const ggufMagic = Buffer.from("GGUF");

/**
 * Reads a GGUF file's header (not its tensors), so listing a 20 GB model costs milliseconds.
 * Throws a `model.*` {@link PonderError} for anything that isn't a loadable GGUF.
 */
export async function readModelMetadata(filePath: string): Promise<ModelFileMetadata> {
    await assertGgufMagic(filePath);
    let info: GgufFileInfo;
    try {
        info = await readGgufInfo(filePath);
    } catch (error) {
        if (error instanceof PonderError)
            throw error;
        throw new PonderError("model.headerDamaged", {reason: (error as Error).message}, {cause: error});
    }
    const general = info.metadata.general;
    const architecture = String(general?.architecture ?? "");
    if (architecture === "")
        throw new PonderError("model.noArchitecture");
    const insights = await GgufInsights.from(info);
    await assertTensorDataPresent(filePath, info, insights);

    return {
        name: String(general?.name ?? "") || architecture,
        architecture,
        quantization: fileTypeName(general?.file_type),
        parameterCount: countParameters(info),
        contextLength: info.architectureMetadata.context_length,
        thinks: thinks(info),
        embedding: isEmbeddingModel(info, filePath),
        // llama.cpp's own lists by architecture, through node-llama-cpp's binding.
        recurrent: insights.isRecurrent || insights.isHybrid
    };
}

/**
 * Reasoning models mark their thoughts with `<think>`: in the chat template (QwQ, Qwen3), or at
 * least as a token of their vocabulary (older DeepSeek-R1 distill files whose template omits it).
 */
function thinks(info: GgufFileInfo) {
    const tokenizer = info.metadata.tokenizer;
    const template = tokenizer?.chat_template;
    return (typeof template === "string" && template.includes("<think>")) || (tokenizer?.ggml?.tokens?.includes("<think>") ?? false);
}

/**
 * Embedding models declare how they pool (BERT-like ones, and converted embedding models), or
 * say so in their name (Qwen3-Embedding's GGUF leaves the pooling to the caller).
 */
function isEmbeddingModel(info: GgufFileInfo, filePath: string) {
    const pooling = (info.architectureMetadata as {pooling_type?: unknown}).pooling_type;
    const architecture = String(info.metadata.general?.architecture ?? "");
    return pooling != null || /^(bert|nomic-bert|jina-bert-v2|xlm-roberta|modern-bert|gemma-embedding)$/.test(architecture)
        || /embed/i.test(`${String(info.metadata.general?.name ?? "")} ${path.basename(filePath)}`);
}

async function assertGgufMagic(filePath: string) {
    const file = await open(filePath, "r");
    try {
        const header = Buffer.alloc(4);
        const {bytesRead} = await file.read(header, 0, 4, 0);
        if (bytesRead < 4 || !header.equals(ggufMagic))
            throw new PonderError("model.notGguf");
    } finally {
        await file.close();
    }
}

/** A download cut short keeps a valid header but loses tensor data, which llama.cpp can't load. */
async function assertTensorDataPresent(filePath: string, info: GgufFileInfo, insights: GgufInsights) {
    if (info.infoEndOffset == null || info.splicedParts > 1)
        return;
    const {size} = await stat(filePath);
    if (size < info.infoEndOffset + insights.modelSize)
        throw new PonderError("model.truncated");
}

function countParameters(info: GgufFileInfo) {
    if (info.fullTensorInfo == null)
        return undefined;
    let total = 0;
    for (const tensor of info.fullTensorInfo)
        total += tensor.dimensions.reduce<number>((product, dimension) => product * Number(dimension), 1);
    return total;
}

function fileTypeName(fileType: GgufFileType | undefined): string {
    if (fileType == null)
        return "unknown";
    const name = GgufFileType[fileType];
    return name == null ? `type ${fileType}` : name.replace(/^(MOSTLY|ALL)_/, "");
}
