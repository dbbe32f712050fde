import {describe, expect, test} from "vitest";
import {isForeignToken, languageOfText} from "../../../native/generation/languageLock.ts";

describe("language lock token classes", () => {
    test("locked to English: Han, kana and hangul are foreign; punctuation, digits, code and math are not", () => {
        for (const text of [" 因此", "的", "所以", "です", "한국"])
            expect(isForeignToken(text, "english"), text).toBe(true);
        for (const text of [" therefore", "，", "。", "42", " x", "\\frac", "=>", "();", "π", " α", "\n\n", "</think>", "\ufffd"])
            expect(isForeignToken(text, "english"), text).toBe(false);
    });

    test("locked to 中文: English words are foreign; Chinese, punctuation, digits, variables and code pieces are not", () => {
        for (const text of [" therefore", " the", " So"])
            expect(isForeignToken(text, "chinese"), text).toBe(true);
        for (const text of [" 因此", "，", "42", " x", "\\frac", "frac", ".map", "();", "\n", "</think>"])
            expect(isForeignToken(text, "chinese"), text).toBe(false);
    });

    test("\"Match my message\" picks the script the message is written in", () => {
        expect(languageOfText("What is the integral of x^2?")).toBe("english");
        expect(languageOfText("请计算 x^2 的积分")).toBe("chinese");
        expect(languageOfText("用 Python 写一个排序函数")).toBe("chinese");
        expect(languageOfText("Translate 你好 into French please")).toBe("english");
        expect(languageOfText("12 + 30 = ?")).toBe("english");
    });
});
