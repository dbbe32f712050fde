import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {formatBytes, PonderError} from "../../../electron/contract/errors.ts";
import {i18n} from "../../../renderer/src/i18n/i18n.ts";
import {failureOf, localizeError} from "../../../renderer/src/i18n/localizeError.ts";

beforeAll(() => i18n.changeLanguage("zh-CN"));
afterAll(() => i18n.changeLanguage("en"));

describe("the main side's error messages in the UI's language", () => {
    test("a coded reason inside a coded error is translated with it; a reason in a server's words is kept", () => {
        const failed = new PonderError("download.retriesExhausted", {count: 4, reason: {code: "download.serverAnswered", params: {status: "503", statusText: "Service Unavailable", url: "https://hub.example/m.gguf"}}});
        expect(localizeError(failureOf(failed.toData()))).toBe("下载连续失败了 4 次：服务器对 https://hub.example/m.gguf 返回了 503 Service Unavailable。");
        expect(localizeError({code: "download.retriesExhausted", params: {count: 6, reason: "ECONNRESET"}})).toBe("下载连续失败了 6 次：ECONNRESET");
    });

    test("a coded error is translated from its code, its sizes formatted for the language", () => {
        const error = new PonderError("model.tooLarge", {neededBytes: 21_000_000_000, availableBytes: 14_000_000_000});
        expect(error.message).toBe("This model is too large for this machine: it needs about 21 GB of memory even with the smallest context, and 14 GB is available for models.");
        expect(localizeError(failureOf(error.toData()))).toBe("这个模型对这台电脑来说太大了：即使用最小的上下文也需要约 21 GB 内存，而可供模型使用的只有 14 GB。");
        // A state keeps the code too (a model that failed to load): failureOf of the thrown error, as the core stores it.
        expect(localizeError(failureOf(error))).toBe("这个模型对这台电脑来说太大了：即使用最小的上下文也需要约 21 GB 内存，而可供模型使用的只有 14 GB。");
    });

    test("text the core didn't write (an OS error, a server's words) is left as it is", () => {
        expect(localizeError("EACCES: permission denied, open '/models/x.gguf'")).toBe("EACCES: permission denied, open '/models/x.gguf'");
    });

    test("in English, a coded error reads as the core's English rendering, numbers grouped the English way", async () => {
        await i18n.changeLanguage("en");
        const error = new PonderError("reply.lastMessageTooLong", {tokens: 40_960, contextSize: 32_768});
        expect(localizeError(failureOf(error))).toBe(error.message);
        expect(error.message).toBe("Your last message alone (40,960 tokens) doesn't fit in the model's context of 32,768 tokens.");
        await i18n.changeLanguage("zh-CN");
    });
});

describe("formatBytes, the one way sizes are written", () => {
    test("a number, a space and the unit, from bytes to gigabytes, in either language", () => {
        for (const language of ["en", "zh-CN"]) {
            expect([0, 512, 2048, 20_100_000_000, 10e9].map((bytes) => formatBytes(bytes, language).replaceAll("\u00a0", " ")))
                .toEqual(["0 B", "512 B", "2 kB", "20 GB", "10 GB"]);
        }
    });
});
