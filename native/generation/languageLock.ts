import {TokenBias, type LlamaModel, type Token} from "node-llama-cpp";

/** The language a reply is held to; the other script's tokens can't be sampled. */
export type LockedLanguage = "english" | "chinese";

// Han ideographs (with extension A and compatibility forms), kana and hangul: the scripts QwQ
// drifts into. Fullwidth punctuation (，。) is punctuation, so it stays allowed.
const cjkLetters = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/u;
/**
 * An English word as a byte-level BPE writes it: a space, then two or more Latin letters. Words
 * glued to code punctuation (`.map`, `\frac`) and single-letter variables carry no space, or are
 * one letter, so code and math stay writable under a Chinese lock.
 */
const englishWord = /^\s+[A-Za-z]{2,}$/u;
const hanCharacter = /\p{Script=Han}/gu;
const latinLetter = /[A-Za-z]/g;

/** Whether a token's text belongs to the script a lock to `language` suppresses. */
export function isForeignToken(text: string, language: LockedLanguage): boolean {
    return language === "english" ? cjkLetters.test(text) : englishWord.test(text);
}

/** "Match my message": Chinese when Han characters outnumber Latin letters in the text, else English. */
export function languageOfText(text: string): LockedLanguage {
    const han = text.match(hanCharacter)?.length ?? 0;
    const latin = text.match(latinLetter)?.length ?? 0;
    return han > 0 && han >= latin / 2 ? "chinese" : "english";
}

const cache = new WeakMap<LlamaModel, Map<LockedLanguage, TokenBias>>();

/**
 * The token bias that suppresses every token of the other script in the model's vocabulary.
 * Built once per model and language (one detokenize per token: about a fifth of a second for a
 * 152k vocabulary) and cached for the model's lifetime.
 */
export function languageLockBias(model: LlamaModel, language: LockedLanguage): TokenBias {
    let biases = cache.get(model);
    if (biases == null) {
        biases = new Map();
        cache.set(model, biases);
    }
    let bias = biases.get(language);
    if (bias == null) {
        bias = new TokenBias(model.tokenizer);
        for (const token of foreignTokens(model, language))
            bias.set(token, "never");
        biases.set(language, bias);
    }
    return bias;
}

function foreignTokens(model: LlamaModel, language: LockedLanguage): Token[] {
    const vocabularySize = model.fileInfo.metadata.tokenizer.ggml.tokens.length;
    const foreign: Token[] = [];
    for (let id = 0; id < vocabularySize; id++) {
        const token = id as Token;
        // Special tokens (end of turn, </think>) must stay reachable whatever the lock.
        if (isForeignToken(model.detokenize([token], false), language))
            foreign.push(token);
    }
    return foreign;
}
