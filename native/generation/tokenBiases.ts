import {TokenBias, type LlamaModel, type Token} from "node-llama-cpp";

/**
 * A bias on sampling, in our own type so that none of node-llama-cpp's crosses native/'s surface:
 * a token id, or text whose every token gets it → a logit offset, or `"never"`.
 */
export type TokenBiases = ReadonlyMap<number | string, number | "never">;

/** node-llama-cpp's form of {@link TokenBiases}, for the model's own tokenizer. */
export function llamaTokenBias(model: LlamaModel, biases: TokenBiases): TokenBias {
    const bias = new TokenBias(model.tokenizer);
    for (const [input, value] of biases)
        bias.set(typeof input === "number" ? input as Token : input, value);
    return bias;
}
