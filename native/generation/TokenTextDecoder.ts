import type {LlamaModel, Token} from "node-llama-cpp";

const maxUtf8SequenceTokens = 4;

/**
 * Turns generated tokens into text as they arrive. Byte-level BPE splits one CJK character
 * over several tokens; emitting each alone would print U+FFFD, so incomplete characters wait
 * for the tokens that finish them.
 */
export class TokenTextDecoder {
    readonly #model: LlamaModel;
    #pending: Token[] = [];

    constructor(model: LlamaModel) {
        this.#model = model;
    }

    /** The text completed by this token, possibly empty. */
    push(token: Token): string {
        this.#pending.push(token);
        const text = this.#model.detokenize(this.#pending, true);
        if (text.endsWith("\uFFFD") && this.#pending.length < maxUtf8SequenceTokens)
            return "";
        this.#pending = [];
        return text;
    }

    /** Whatever is still waiting, for the end of a stream. */
    flush(): string {
        if (this.#pending.length === 0)
            return "";
        const text = this.#model.detokenize(this.#pending, true);
        this.#pending = [];
        return text;
    }
}
