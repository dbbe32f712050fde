import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {PonderError} from "../../../electron/contract/errors.ts";
import {i18n} from "../../../renderer/src/i18n/i18n.ts";
import {failureOf, localizeError} from "../../../renderer/src/i18n/localizeError.ts";


beforeAll(() => i18n.changeLanguage("zh-CN"));
afterAll(() => i18n.changeLanguage("en"));

describe("the main side's error messages in the UI's language", () => {
    test("values are carried over, and a known reason inside a message is translated as well", () => {
        expect(localizeError("The download failed 4 times in a row: The server answered 503 Service Unavailable for https://hub.example/m.gguf."))
            .toBe("下载连续失败了 4 次：服务器对 https://hub.example/m.gguf 返回了 503 Service Unavailable。");
        expect(localizeError("The download failed 6 times in a row: the connection closed before the end of the file"))
            .toBe("下载连续失败了 6 次：连接在文件传完之前就断开了");
    });

    test("a coded error is translated from its code, its sizes formatted for the language", () => {
        const error = new PonderError("model.tooLarge", {neededBytes: 21_000_000_000, availableBytes: 14_000_000_000});
        expect(error.message).toBe("This model is too large for this machine: it needs about 21 GB of memory even with the smallest context, and 14 GB is available for models.");
        expect(localizeError(failureOf(error.toData()))).toBe("这个模型对这台电脑来说太大了：即使用最小的上下文也需要约 21 GB 内存，而可供模型使用的只有 14 GB。");
        // Where a state still carries only its text (a model that failed to load), the template matches the English rendering.
        expect(localizeError(error.message)).toBe("这个模型对这台电脑来说太大了：即使用最小的上下文也需要约 21 GB 内存，而可供模型使用的只有 14 GB。");
    });

    test("text the core didn't write (an OS error, a server's words) is left as it is", () => {
        expect(localizeError("EACCES: permission denied, open '/models/x.gguf'")).toBe("EACCES: permission denied, open '/models/x.gguf'");
    });

    test("in English, a message is its own translation", async () => {
        await i18n.changeLanguage("en");
        const sample = "Not enough disk space: 3 GB needed, 1 GB free. Free some space, then press Resume.";
        expect(localizeError(sample)).toBe(sample);
        await i18n.changeLanguage("zh-CN");
    });
});
