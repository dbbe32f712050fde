import type {LlamaText, Token, Tokenizer} from "node-llama-cpp";

/**
 * Tokenizes prompts, reusing the tokens of the text between special tokens (each turn's text, in
 * a chat template) that the previous prompt also had. A follow-up's prompt is the whole
 * conversation again; tokenizing it all anew costs time that grows with its length (about 10 ms
 * per 4,000 tokens here), while only the newest turn is new. The tokens are exactly those of
 * `text.tokenize(tokenizer)`: the same calls, remembered.
 */
export class PromptTokenizer {
    /** Segments of the previous prompt, and those of the one being tokenized; older ones are forgotten. */
    #previous = new Map<string, readonly Token[]>();
    #current = new Map<string, readonly Token[]>();
    readonly #remembering: Tokenizer;

    constructor(tokenizer: Tokenizer) {
        const tokenize = (text: string, specialTokens?: boolean | "builtin", options?: "trimLeadingSpace"): Token[] => {
            if (typeof specialTokens !== "boolean" && specialTokens != null)
                return tokenizer(text as never, specialTokens);
            const key = `${specialTokens === true ? "s" : "t"}${options ?? ""}\u0000${text}`;
            let tokens = this.#current.get(key) ?? this.#previous.get(key);
            if (tokens == null)
                tokens = tokenizer(text, specialTokens, options);
            this.#current.set(key, tokens);
            return [...tokens];
        };
        this.#remembering = Object.assign(tokenize as Tokenizer, {
            detokenize: tokenizer.detokenize,
            isSpecialToken: (token: Token) => tokenizer.isSpecialToken(token),
            isEogToken: (token: Token) => tokenizer.isEogToken(token)
        });
    }

    /** The prompt's tokens. Each call is taken as the next prompt: segments of the one before it are forgotten. */
    tokenize(text: LlamaText): Token[] {
        this.#previous = this.#current;
        this.#current = new Map();
        return text.tokenize(this.#remembering);
    }
}
