/** Han, kana and hangul: scripts written without spaces between words. */
const cjk = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])/gu;

/**
 * Puts spaces around every CJK character, so a word tokenizer sees each as a word: "量子纠缠"
 * becomes " 量  子  纠  缠 ", and the phrase "纠 缠" finds the two-character word anywhere.
 */
export function spacedCjk(text: string): string {
    return text.replace(cjk, " $1 ");
}
