import {describe, expect, test} from "vitest";
import {chineseToken, expectedTexts} from "../fixtures/models/scriptedModel.ts";
import {askInChat} from "./support/askInChat.ts";
import {useCoreWorkspace} from "./support/useCoreWorkspace.ts";

const workspace = useCoreWorkspace("ponder-settings-core-", {"qwq-tiny.gguf": "prefilled", "endless.gguf": "endless"});
// No sampling override: the settings alone decide how replies are generated.
const openCore = () => workspace.openCore();

describe("settings reach the model", () => {
    test("a chat's thinking budget cuts an endless thinker, and the message says so", async () => {
        const core = await openCore();
        const {id: chatId} = await core.handlers["chats.create"](undefined);
        const view = await core.handlers["settings.update"]({modelId: "endless.gguf", chatId, values: {reasoningBudget: 30}});
        // The fixture is named "Ponder scripted…", so it gets the generic preset.
        expect(view).toMatchObject({family: "other", chat: {reasoningBudget: 30}, effective: {reasoningBudget: 30, temperature: 0.8}});
        expect((await core.handlers["models.load"]({modelId: "endless.gguf"})).status).toBe("ready");

        const reply = await askInChat(core, chatId, "Think as long as you like");
        expect(reply.stats).toMatchObject({stopReason: "budget"});
        expect(reply.stats!.reasoningTokens).toBeLessThanOrEqual(30);
        expect(reply.text).toBe(expectedTexts.answer);
        expect(reply.stats!.contextTokens).toBeGreaterThan(reply.stats!.reasoningTokens + reply.stats!.answerTokens);
    });

    test("the model's language lock holds every chat, a chat can turn it off; load options apply at load and persist", async () => {
        let core = await openCore();
        await core.handlers["settings.update"]({modelId: "qwq-tiny.gguf", values: {languageLock: "english", contextSize: 1024}});
        expect((await core.handlers["models.load"]({modelId: "qwq-tiny.gguf"})).contextSize).toBe(1024);

        const locked = await core.handlers["chats.create"](undefined);
        expect((await askInChat(core, locked.id, "Hi")).reasoning).toBe(expectedTexts.reasoningWithoutChinese);

        const unlocked = await core.handlers["chats.create"](undefined);
        await core.handlers["settings.update"]({modelId: "qwq-tiny.gguf", chatId: unlocked.id, values: {languageLock: "off"}});
        expect((await askInChat(core, unlocked.id, "Hi")).reasoning).toContain(chineseToken);

        await workspace.closeCore(core);
        core = await openCore();
        const view = await core.handlers["settings.get"]({modelId: "qwq-tiny.gguf", chatId: unlocked.id});
        expect(view).toMatchObject({model: {languageLock: "english", contextSize: 1024}, chat: {languageLock: "off"}, effective: {languageLock: "off"}});
    });
});
