import {GgmlType, type GgufInsights, type LlamaContextOptions} from "node-llama-cpp";
import {PonderError} from "../../electron/contract/errors.ts";

/** How the KV cache stores keys and values: f16 (llama.cpp's default), or quantized to 8 or 4 bits. */
export const kvCacheTypes = ["f16", "q8_0", "q4_0"] as const;
export type KvCacheType = (typeof kvCacheTypes)[number];

const ggmlTypes = {f16: GgmlType.F16, q8_0: GgmlType.Q8_0, q4_0: GgmlType.Q4_0} as const satisfies Record<KvCacheType, GgmlType>;
/** q8_0 and q4_0 both quantize blocks of 32 values; a head's keys and values must fill whole blocks. */
const quantizedBlockValues = 32;

export interface KvCacheContextOptions extends Pick<LlamaContextOptions, "flashAttention"> {
    experimentalKvCacheKeyType?: GgmlType;
    experimentalKvCacheValueType?: GgmlType;
}

/**
 * The context options for a KV cache type, for the model these insights describe. llama.cpp
 * refuses a quantized V cache without flash attention, so it is switched on for q8_0 and q4_0
 * (it also keeps the attention buffers small as the context grows); f16 keeps the loader's
 * default (flash attention where supported). A model where llama.cpp would refuse the cache anyway is refused here, in words.
 */
export function kvCacheContextOptions(type: KvCacheType, insights: GgufInsights): KvCacheContextOptions {
    if (type === "f16")
        return {};
    if (!insights.flashAttentionSupported)
        throw new PonderError("model.kvCacheNeedsFlashAttention", {type});
    const headSize = attentionHeadSize(insights);
    if (headSize % quantizedBlockValues !== 0)
        throw new PonderError("model.kvCacheHeadSize", {type, size: headSize, block: quantizedBlockValues});
    return {flashAttention: true, experimentalKvCacheKeyType: ggmlTypes[type], experimentalKvCacheValueType: ggmlTypes[type]};
}

function attentionHeadSize(insights: GgufInsights): number {
    const metadata = insights.ggufFileInfo.architectureMetadata as {embedding_length?: number; attention?: {head_count?: number; key_length?: number}};
    const heads = metadata.attention?.head_count ?? 0;
    return metadata.attention?.key_length ?? (heads === 0 ? 0 : (metadata.embedding_length ?? 0) / heads);
}
