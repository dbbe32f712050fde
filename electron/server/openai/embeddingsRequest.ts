import {z} from "zod";
import {ApiError} from "./ApiError.ts";

/**
 * `POST /v1/embeddings`: text inputs (one string or up to 256), as floats or base64 (little-endian
 * float32, what OpenAI's own client asks for by default). Token-array inputs and `dimensions`
 * are refused rather than ignored: Ponder's tokenizer isn't OpenAI's, and it can't shorten vectors.
 */
export const embeddingsRequestSchema = z.looseObject({
    model: z.string().min(1),
    input: z.union([z.string(), z.array(z.string()).min(1).max(256)], {error: "`input` must be a string or an array of strings (token arrays are not supported)."}),
    encoding_format: z.enum(["float", "base64"]).nullish(),
    dimensions: z.null({error: "Ponder returns the model's full vectors: leave `dimensions` out."}).optional()
});

export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;

export function parseEmbeddingsRequest(body: unknown): EmbeddingsRequest {
    const parsed = embeddingsRequestSchema.safeParse(body);
    if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const param = issue.path.join(".");
        throw new ApiError(400, param === "" ? issue.message : `Invalid \`${param}\`: ${issue.message}`, {param: param || null, code: "invalid_value"});
    }
    return parsed.data;
}

/** A vector as OpenAI's format carries it. */
export function encodeEmbedding(vector: Float32Array, format: "float" | "base64"): number[] | string {
    if (format === "float")
        return Array.from(vector);
    const bytes = Buffer.alloc(vector.length * 4);
    vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
    return bytes.toString("base64");
}
