import type {LlamaText, Token, Tokenizer} from "node-llama-cpp";
import type {ThreadTokens, TokenizerThread} from "./TokenizerThread.ts";

/** Text longer than this (about 10 ms of tokenizing here) is tokenized on the {@link TokenizerThread}. */
export const offThreadCharacters = 16_384;

/** A piece's tokens, as tokenized here or on the thread; never modified. */
type PieceTokens = readonly Token[] | ThreadTokens;

/**
 * Tokenizes prompts, reusing the tokens of the text between special tokens (each turn's text, in
 * a chat template) that the previous prompt also had. A follow-up's prompt is the whole
 * conversation again; tokenizing it all anew costs time that grows with its length (about 10 ms
 * per 4,000 tokens here), while only the newest turn is new. Long new pieces (a pasted document)
 * are tokenized on a thread of their own, so the event loop keeps serving other clients. The
 * tokens are exactly those of `text.tokenize(tokenizer)`: the same calls, remembered.
 */
export class PromptTokenizer {
    /** Segments of the previous prompt, and those of the one being tokenized; older ones are forgotten. */
    #previous = new Map<string, PieceTokens>();
    #current = new Map<string, PieceTokens>();
    readonly #tokenizer: Tokenizer;
    readonly #thread: TokenizerThread;

    constructor(tokenizer: Tokenizer, thread: TokenizerThread) {
        this.#tokenizer = tokenizer;
        this.#thread = thread;
    }

    /** The prompt's tokens. Each call is taken as the next prompt: segments of the one before it are forgotten. */
    async tokenize(text: LlamaText): Promise<Token[]> {
        this.#previous = this.#current;
        this.#current = new Map();
        const current = this.#current;
        // LlamaText.tokenize chooses each call's arguments from the text alone, and from whether
        // tokens came before: a long piece is never empty, so a placeholder token stands in for
        // it in a first pass that finds the long pieces, tokenized on the thread meanwhile.
        const offThread = new Map<string, Promise<ThreadTokens>>();
        text.tokenize(this.#remembering(current, (key, piece, specialTokens, options) => {
            if (!offThread.has(key))
                offThread.set(key, this.#thread.tokenize(piece, specialTokens, options));
            return [0 as Token];
        }));
        for (const [key, tokens] of offThread)
            current.set(key, await tokens);
        // The first pass found every long piece, so this one tokenizes only what it tokenized too.
        return text.tokenize(this.#remembering(current, (_key, piece, specialTokens, options) => this.#tokenizer(piece, specialTokens, options)));
    }

    /** A tokenizer that takes remembered tokens, tokenizes short text at once and hands long text to `long`. */
    #remembering(current: Map<string, PieceTokens>, long: (key: string, text: string, specialTokens: boolean, options?: "trimLeadingSpace") => Token[]): Tokenizer {
        const tokenizer = this.#tokenizer;
        const tokenize = (text: string, specialTokens?: boolean | "builtin", options?: "trimLeadingSpace"): Token[] => {
            if (typeof specialTokens !== "boolean" && specialTokens != null)
                return tokenizer(text as never, specialTokens);
            const key = `${specialTokens === true ? "s" : "t"}${options ?? ""}\u0000${text}`;
            let tokens = current.get(key) ?? this.#previous.get(key);
            if (tokens == null) {
                if (text.length > offThreadCharacters)
                    return long(key, text, specialTokens ?? false, options);
                tokens = tokenizer(text, specialTokens, options);
            }
            current.set(key, tokens);
            // LlamaText.tokenize only iterates what a tokenizer returns, into an array of its own:
            // a long piece's tokens are never copied here.
            return tokens as Token[];
        };
        return Object.assign(tokenize as Tokenizer, {
            detokenize: tokenizer.detokenize,
            isSpecialToken: (token: Token) => tokenizer.isSpecialToken(token),
            isEogToken: (token: Token) => tokenizer.isEogToken(token)
        });
    }
}
