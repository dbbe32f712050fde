import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {afterEach, beforeEach, describe, expect, test} from "vitest";
import {ModelLibrary} from "../../../electron/core/models/ModelLibrary.ts";
import {modelFamilyOf, presetFor} from "../../../electron/core/settings/familyPresets.ts";
import {SettingsService} from "../../../electron/core/settings/SettingsService.ts";
import {openDatabase, type PonderDatabase} from "../../../electron/core/store/openDatabase.ts";
import {ChatRepository} from "../../../electron/core/chats/ChatRepository.ts";

let dir: string;
let db: PonderDatabase;
let settings: SettingsService;

beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "ponder-settings-"));
    db = openDatabase(path.join(dir, "ponder.db"));
    db.prepare("INSERT INTO chats (id, title, created_at, updated_at) VALUES ('c1', '', 0, 0)").run();
    settings = openSettings();
});
afterEach(() => {
    db.close();
    rmSync(dir, {recursive: true, force: true});
});

const qwq = "QwQ-32B-Q4_K_M.gguf";

/** The service over the test's database, the chats' system prompts kept by the real repository. */
function openSettings(): SettingsService {
    const chats = new ChatRepository(db);
    return new SettingsService(db, new ModelLibrary(path.join(dir, "models")), {
        systemPromptOf: (chatId) => chats.getChat(chatId)?.systemPrompt ?? "",
        setSystemPrompt: (chatId, systemPrompt) => {
            chats.updateChat(chatId, {systemPrompt});
        }
    });
}

describe("family presets", () => {
    test("each family is recognised from its usual names", () => {
        expect(modelFamilyOf("QwQ 32B", "qwq-32b-q4_k_m.gguf")).toBe("qwq");
        expect(modelFamilyOf("DeepSeek R1 Distill Qwen 32B")).toBe("deepseekR1Distill");
        expect(modelFamilyOf(undefined, "DeepSeek-R1-Distill-Llama-8B-Q4_K_M.gguf")).toBe("deepseekR1Distill");
        expect(modelFamilyOf("Qwen3 30B A3B")).toBe("qwen3");
        expect(modelFamilyOf(undefined, "Qwen3-8B-Q8_0.gguf")).toBe("qwen3");
        expect(modelFamilyOf("Qwen2.5 7B Instruct")).toBe("other");
    });

    test("QwQ's and Qwen3's published sampling settings", () => {
        expect(presetFor("qwq")).toMatchObject({temperature: 0.6, topP: 0.95, topK: 40, minP: 0, presencePenalty: 0});
        expect(presetFor("qwen3")).toMatchObject({temperature: 0.6, topP: 0.95, topK: 20, minP: 0});
        expect(presetFor("deepseekR1Distill")).toMatchObject({temperature: 0.6, topP: 0.95});
    });
});

describe("SettingsService", () => {
    test("layers: preset ← model defaults ← chat, each change visible as such, and reset", async () => {
        const fresh = await settings.get(qwq, "c1");
        expect(fresh).toMatchObject({family: "qwq", model: {}, chat: {}});
        expect(fresh.effective).toEqual(fresh.preset);

        await settings.update({modelId: qwq, values: {temperature: 0.7, reasoningBudget: 4096}});
        const chat = await settings.update({modelId: qwq, chatId: "c1", values: {temperature: 0.2, languageLock: "english"}});
        expect(chat.model).toEqual({temperature: 0.7, reasoningBudget: 4096});
        expect(chat.chat).toEqual({temperature: 0.2, languageLock: "english"});
        expect(chat.effective).toMatchObject({temperature: 0.2, reasoningBudget: 4096, languageLock: "english", topK: 40});
        // Another chat, or the model alone, doesn't see this chat's changes.
        expect((await settings.get(qwq)).effective).toMatchObject({temperature: 0.7, languageLock: "off"});

        const reset = await settings.update({modelId: qwq, chatId: "c1", values: {}, reset: ["temperature"]});
        expect(reset.chat).toEqual({languageLock: "english"});
        expect(reset.effective.temperature).toBe(0.7);
    });

    test("reply settings: null means unlimited, and \"Match my message\" follows the last user message", async () => {
        await settings.update({modelId: qwq, chatId: "c1", values: {languageLock: "match", maxTokens: 100, seed: 7}});
        const english = settings.replySettings(qwq, "c1", [{role: "user", text: "你好"}, {role: "assistant", text: "…"}, {role: "user", text: "Now in English please"}]);
        expect(english).toMatchObject({languageLock: "english", maxTokens: 100, reasoningBudget: undefined, contextOverflow: "stop"});
        expect(english.sampling).toMatchObject({temperature: 0.6, topK: 40, seed: 7});
        expect(settings.replySettings(qwq, "c1", [{role: "user", text: "请用中文回答"}]).languageLock).toBe("chinese");
        expect(settings.replySettings(qwq, "other-chat", [{role: "user", text: "Hi"}]).languageLock).toBeUndefined();
    });

    test("load options are per model, only when set, and survive reopening the database", async () => {
        expect(await settings.loadOptions(qwq)).toEqual({});
        await settings.update({modelId: qwq, values: {contextSize: 8192, threads: 4, gpuLayers: null}});
        await expect(settings.update({modelId: qwq, chatId: "c1", values: {contextSize: 4096}})).rejects.toThrow(/belong to the model/);
        db.close();
        db = openDatabase(path.join(dir, "ponder.db"));
        settings = openSettings();
        expect(await settings.loadOptions(qwq)).toEqual({contextSize: 8192, threads: 4});
        await settings.update({modelId: qwq, values: {kvCacheType: "q8_0"}});
        expect(await settings.loadOptions(qwq)).toEqual({contextSize: 8192, threads: 4, kvCacheType: "q8_0"});
    });

    test("a draft model and prompt lookup exclude each other: choosing one turns the other off, and a draft model wins when one update asks for both", async () => {
        expect((await settings.get(qwq)).effective).toMatchObject({draftModelId: null, promptLookup: false});
        await settings.update({modelId: qwq, values: {promptLookup: true}});
        expect(await settings.loadOptions(qwq)).toEqual({promptLookup: true});
        await expect(settings.update({modelId: qwq, chatId: "c1", values: {promptLookup: false}})).rejects.toThrow(/belong to the model/);

        expect((await settings.update({modelId: qwq, values: {draftModelId: "draft.gguf"}})).effective).toMatchObject({draftModelId: "draft.gguf", promptLookup: false});
        expect((await settings.update({modelId: qwq, values: {promptLookup: true}})).effective).toMatchObject({draftModelId: null, promptLookup: true});
        expect((await settings.update({modelId: qwq, values: {draftModelId: "draft.gguf", promptLookup: true}})).effective).toMatchObject({draftModelId: "draft.gguf", promptLookup: false});
        // Turning prompt lookup off, or choosing no draft model, leaves the other as it is.
        expect((await settings.update({modelId: qwq, values: {promptLookup: false}})).effective).toMatchObject({draftModelId: "draft.gguf", promptLookup: false});
        await settings.update({modelId: qwq, values: {promptLookup: true}});
        expect((await settings.update({modelId: qwq, values: {draftModelId: null}})).effective).toMatchObject({draftModelId: null, promptLookup: true});
    });

    test("a deleted chat takes its settings with it; a missing chat is a clear error", async () => {
        await settings.update({modelId: qwq, chatId: "c1", values: {temperature: 1}});
        db.prepare("DELETE FROM chats WHERE id = 'c1'").run();
        expect(db.prepare("SELECT COUNT(*) AS n FROM chat_settings").get()).toEqual({n: 0});
        await expect(settings.update({modelId: qwq, chatId: "c1", values: {temperature: 1}})).rejects.toThrow("That conversation no longer exists.");
    });

    test("the family preset can be chosen for the model and, over it, for a chat; null goes back to the one below", async () => {
        expect(await settings.get(qwq, "c1")).toMatchObject({family: "qwq", detectedFamily: "qwq", chosenFamily: {model: null, chat: null}});
        await settings.update({modelId: qwq, values: {temperature: 0.9}, family: "deepseekR1Distill"});
        const chat = await settings.update({modelId: qwq, chatId: "c1", values: {}, family: "qwen3"});
        expect(chat).toMatchObject({family: "qwen3", detectedFamily: "qwq", chosenFamily: {model: "deepseekR1Distill", chat: "qwen3"}});
        expect(chat.effective).toMatchObject({temperature: 0.9, topK: 20, minP: 0});
        expect(settings.replySettings(qwq, "c1", []).sampling).toMatchObject({temperature: 0.9, topK: 20});
        // The model's changes stay when its family changes, and the chat's family survives a reopening.
        db.close();
        db = openDatabase(path.join(dir, "ponder.db"));
        settings = openSettings();
        expect((await settings.get(qwq)).family).toBe("deepseekR1Distill");
        expect((await settings.update({modelId: qwq, chatId: "c1", values: {}, family: null})).family).toBe("deepseekR1Distill");
        expect((await settings.update({modelId: qwq, values: {}, family: null})).effective).toMatchObject({temperature: 0.9, topK: 40});
    });

    test("user presets: saved from a chat, listed by name, applied to another chat in place of its settings, renamed, deleted", async () => {
        db.prepare("INSERT INTO chats (id, title, created_at, updated_at, system_prompt) VALUES ('c2', '', 0, 0, 'Be brief.')").run();
        await settings.update({modelId: qwq, chatId: "c2", values: {temperature: 0.1, seed: 3}, family: "other"});
        await settings.update({modelId: qwq, values: {contextSize: 4096}});
        const [brief] = await settings.savePreset("Brief", qwq, "c2");
        expect(brief).toMatchObject({name: "Brief", systemPrompt: "Be brief.", family: "other", values: {temperature: 0.1, seed: 3}});
        // Without a chat: the model's changes and no system prompt.
        await settings.savePreset("Another", qwq, undefined);
        expect(settings.presets().map((preset) => preset.name)).toEqual(["Another", "Brief"]);

        await settings.update({modelId: qwq, chatId: "c1", values: {topP: 0.5}});
        const applied = await settings.applyPreset(brief!.id, qwq, "c1");
        expect(applied).toMatchObject({family: "other", chat: {temperature: 0.1, seed: 3}});
        expect(db.prepare("SELECT system_prompt FROM chats WHERE id = 'c1'").get()).toEqual({system_prompt: "Be brief."});

        expect(() => settings.renamePreset(brief!.id, "another")).toThrow("There is already a preset called “another”.");
        expect(settings.renamePreset(brief!.id, "Short").map((preset) => preset.name)).toEqual(["Another", "Short"]);
        const [, short] = settings.presets();
        expect(settings.deletePreset(brief!.id).map((preset) => preset.name)).toEqual(["Another"]);
        expect(() => settings.deletePreset(brief!.id)).toThrow("That preset no longer exists.");

        // Undone: back as it was, in its place; an undo sent twice changes nothing; a name taken meanwhile is refused.
        expect(settings.restorePreset(short!)).toEqual([expect.anything(), short]);
        expect(settings.restorePreset(short!)).toHaveLength(2);
        settings.deletePreset(short!.id);
        await settings.savePreset("short", qwq, undefined);
        expect(() => settings.restorePreset(short!)).toThrow("There is already a preset called “Short”.");
    });

    test("stored values this version no longer accepts are ignored, not crashed on", async () => {
        db.prepare("INSERT INTO model_settings (model_id, settings) VALUES (?, ?)").run(qwq, JSON.stringify({temperature: 9, topK: 30, retired: true}));
        expect((await settings.get(qwq)).model).toEqual({topK: 30});
    });
});
