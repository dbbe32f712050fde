import type {Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {ensureFixtureModels, ensureRecurrentHeaders} from "../fixtures/models/fixtureModels.ts";
import {chineseToken, expectedTexts} from "../fixtures/models/scriptedModel.ts";
import {chooseModel, showView} from "./support/ponderUi.ts";
import {useUiLanguage} from "./support/uiLanguage.ts";
import {openPonder, type PonderSession} from "./support/openPonder.ts";

let session: PonderSession;
let page: Page;

beforeAll(async () => {
    const fixtures = await ensureFixtureModels();
    const recurrent = await ensureRecurrentHeaders();
    session = await openPonder({
        models: {"qwq-tiny.gguf": fixtures.prefilled, "endless-thinker.gguf": fixtures.endless, "qwq-draft.gguf": fixtures.draftForPrefilled, "lfm2-tiny.gguf": recurrent.lfm2},
        model: "endless-thinker.gguf"
    });
    page = session.page;
});

afterAll(async () => {
    await session?.close();
});

const composer = () => page.getByRole("textbox", {name: "Message"});
const lastAssistant = () => page.getByRole("article", {name: "Assistant"}).last();
const settings = () => page.getByRole("region", {name: "Generation settings"});
const familyPreset = () => page.getByRole("combobox", {name: "Family preset"});
const systemPrompt = () => page.getByRole("textbox", {name: "System prompt"});

async function ask(text: string) {
    await expect.poll(() => composer().isEditable(), {timeout: 30_000}).toBe(true);
    await composer().fill(text);
    await composer().press("Enter");
    await expect.poll(() => page.getByRole("article", {name: "You"}).last().textContent()).toContain(text);
    await expect.poll(() => lastAssistant().getAttribute("aria-busy"), {timeout: 30_000}).toBe("false");
}

/** Reloads the model from the settings' "Reload now", and waits until the old model is gone (it still offers the reload) and the new one has loaded. */
async function reloadAndWait() {
    const reloadNow = page.getByRole("button", {name: "Reload now"});
    await expect.poll(() => reloadNow.count()).toBe(1);
    await reloadNow.click();
    const loading = page.getByRole("status").filter({hasText: /^Loading /});
    await expect.poll(async () => await reloadNow.count() === 0 && await loading.count() === 0, {timeout: 30_000}).toBe(true);
}

/** The last reply's draft tokens, accepted and drafted, from its stats line. */
async function draftCounts(): Promise<[number, number]> {
    const stats = await lastAssistant().getByRole("note", {name: "Statistics"}).textContent();
    const [, accepted, drafted] = /draft (\d+)\/(\d+) accepted \(\d+%\)/.exec(stats ?? "") ?? [];
    return [Number(accepted), Number(drafted)];
}

describe("generation settings in the UI", () => {
    test("a custom thinking budget stops an endless thinker, which then answers; the message says so", async () => {
        await page.getByRole("button", {name: "Chat settings"}).click();
        const budget = page.getByLabel("Thinking budget", {exact: true});
        await expect.poll(() => budget.count(), {timeout: 30_000}).toBe(1);
        expect(await budget.inputValue()).toBe("unlimited");
        expect(await familyPreset().locator("option:checked").textContent()).toBe("As the model: llama.cpp defaults");

        await budget.selectOption("custom");
        const custom = page.getByLabel("Custom thinking budget (tokens)");
        await custom.fill("40");
        await custom.blur();
        await expect.poll(() => page.getByRole("button", {name: "Reset Thinking budget"}).count()).toBe(1);
        // Marked as differing from the preset.
        expect(await settings().locator(".settings__field--changed").count()).toBe(1);

        await ask("Think it over");
        await expect.poll(() => lastAssistant().textContent()).toContain(expectedTexts.answer);
        expect(await lastAssistant().textContent()).toMatch(/Its thinking was cut by the thinking budget \((39|40) tokens\); then it answered\./);
        // The context fill shows the conversation's tokens against the context.
        const meter = page.getByRole("meter", {name: "Context used"});
        expect(await meter.count()).toBe(1);
        expect(Number(await meter.getAttribute("value"))).toBeGreaterThan(40);
    });

    test("the language lock offers its four choices; English keeps the Chinese word out, for this chat only", async () => {
        // The chat settings panel stays open from the test above.
        await chooseModel(page, "qwq-tiny.gguf");

        const lock = page.getByLabel("Language lock", {exact: true});
        await expect.poll(() => lock.count()).toBe(1);
        expect(await lock.locator("option").allTextContents()).toEqual(["Off", "Match my message", "English", "中文"]);
        // Its file is named qwq-tiny.gguf, so it gets QwQ's preset.
        await expect.poll(() => familyPreset().locator("option:checked").textContent()).toBe("As the model: QwQ");
        expect(await page.getByLabel("Temperature", {exact: true}).inputValue()).toBe("0.6");
        // Inside a chat the settings start on this chat only, which has no load options.
        expect(await page.getByLabel("This chat only").isChecked()).toBe(true);
        expect(await page.getByLabel("Context size", {exact: true}).count()).toBe(0);

        await page.getByRole("button", {name: "New chat"}).click();
        await ask("Hello");
        expect(await lastAssistant().locator("details").textContent()).toContain(chineseToken);

        await page.getByLabel("This chat only").check();
        await lock.selectOption("english");
        await expect.poll(() => page.getByRole("button", {name: "Reset Language lock"}).count()).toBe(1);
        // Load options belong to the model, so the chat's settings don't offer them.
        expect(await page.getByLabel("Context size", {exact: true}).count()).toBe(0);
        await ask("Hello again");
        expect(await lastAssistant().locator("details").textContent()).toContain(expectedTexts.reasoningWithoutChinese);

        await page.getByRole("button", {name: "Reset this chat's settings"}).click();
        await expect.poll(() => lock.inputValue()).toBe("off");
    });

    test("a changed load option waits for a reload, which the settings offer; reloading applies it", async () => {
        await page.getByLabel("This model's defaults").check();
        const reloadNow = page.getByRole("button", {name: "Reload now"});
        expect(await reloadNow.count()).toBe(0);
        const meter = page.getByRole("meter", {name: "Context used"});
        expect(await meter.getAttribute("max")).toBe("4096");

        const contextSize = page.getByLabel("Context size", {exact: true});
        await contextSize.fill("1024");
        await contextSize.blur();
        await expect.poll(() => reloadNow.count()).toBe(1);
        expect(await page.getByRole("status").filter({hasText: "The model still runs with its previous load options."}).count()).toBe(1);
        // Not applied yet: the model keeps its context until it loads again.
        expect(await meter.getAttribute("max")).toBe("4096");

        await reloadNow.click();
        await expect.poll(() => meter.getAttribute("max"), {timeout: 30_000}).toBe("1024");
        await expect.poll(() => reloadNow.count()).toBe(0);
    });

    test("the KV cache load option: q8_0 waits for a reload, the reloaded model answers, and Will it fit counts it", async () => {
        // Load options are the model's: a reload shows the chat's scope again.
        await page.getByLabel("This model's defaults").check();
        const kvCache = page.getByLabel("KV cache", {exact: true});
        expect(await kvCache.inputValue()).toBe("f16");
        expect(await kvCache.locator("option").allTextContents()).toEqual(["f16 (full precision)", "q8_0 (about twice the context)", "q4_0 (about 3.5× the context, less accurate)"]);

        await kvCache.selectOption("q8_0");
        const reloadNow = page.getByRole("button", {name: "Reload now"});
        await expect.poll(() => reloadNow.count()).toBe(1);
        await reloadNow.click();
        // Loaded again: the settings are back, with nothing waiting for a reload.
        await expect.poll(() => page.getByRole("radio", {name: "This model's defaults"}).count(), {timeout: 30_000}).toBe(1);
        await page.getByLabel("This model's defaults").check();
        await expect.poll(() => kvCache.inputValue(), {timeout: 30_000}).toBe("q8_0");
        // The settings may show before the state of the new load arrives.
        await expect.poll(() => reloadNow.count(), {timeout: 30_000}).toBe(0);
        await ask("Hello with a smaller cache");
        expect(await lastAssistant().textContent()).toContain(expectedTexts.answer);

        await page.getByRole("button", {name: "Models"}).click();
        const file = page.getByRole("listitem", {name: "Ponder scripted prefilled-think", exact: true});
        await file.getByRole("button", {name: "Will it fit?"}).click();
        await expect.poll(() => file.getByRole("status").textContent(), {timeout: 30_000}).toMatch(/tokens of context · KV cache q8_0$/);
    });

    test("the draft model load option: any other model of the library, applied at the reload; each reply's stats show its acceptance, and Will it fit counts it", async () => {
        await showView(page, "Back to chat");
        await page.getByLabel("This model's defaults").check();
        const draft = page.getByLabel("Draft model", {exact: true});
        expect(await draft.inputValue()).toBe("");
        // The model itself isn't offered as its own draft.
        expect(await draft.locator("option").allTextContents()).toEqual(["None", "Prompt lookup (no second model)", "Ponder scripted prefilled-think endless", "Ponder LFM2-shaped header", "Ponder scripted prefilled-think draft"]);

        await draft.selectOption({label: "Ponder scripted prefilled-think draft"});
        await reloadAndWait();
        await page.getByLabel("This model's defaults").check();
        expect(await draft.inputValue()).toBe("qwq-draft.gguf");
        await ask("Hello with a draft");
        expect(await lastAssistant().textContent()).toContain(expectedTexts.answer);
        // The draft guesses wrong after every third token of the script.
        const [accepted, drafted] = await draftCounts();
        expect(accepted).toBeGreaterThan(0);
        expect(accepted).toBeLessThan(drafted);

        await showView(page, "Models");
        const file = page.getByRole("listitem", {name: "Ponder scripted prefilled-think", exact: true});
        await file.getByRole("button", {name: "Will it fit?"}).click();
        await expect.poll(() => file.getByRole("status").textContent(), {timeout: 30_000}).toMatch(/ · with a [\d.]+ kB draft model$/);
    });

    test("prompt lookup, chosen in the draft model's place, applies at the reload; a reply that quotes the conversation shows its acceptance", async () => {
        await showView(page, "Back to chat");
        await page.getByLabel("This model's defaults").check();
        const draft = page.getByLabel("Draft model", {exact: true});
        expect(await draft.inputValue()).toBe("qwq-draft.gguf");
        await draft.selectOption({label: "Prompt lookup (no second model)"});
        await reloadAndWait();
        await page.getByLabel("This model's defaults").check();
        expect(await draft.locator("option:checked").textContent()).toBe("Prompt lookup (no second model)");

        await ask(`Say it again: ${expectedTexts.reasoning} ${expectedTexts.answer}`);
        expect(await lastAssistant().textContent()).toContain(expectedTexts.answer);
        const [accepted, drafted] = await draftCounts();
        expect(accepted).toBeGreaterThan(0);
        expect(accepted).toBeLessThanOrEqual(drafted);

        // "None" turns it off again, and the field goes back to the preset.
        await draft.selectOption({label: "None"});
        await expect.poll(() => page.getByRole("button", {name: "Reload now"}).count()).toBe(1);
        await page.getByRole("button", {name: "Reset Draft model"}).click();
        await expect.poll(() => settings().locator(".settings__field--changed").filter({has: draft}).count()).toBe(0);
    });

    test("a hybrid model's Draft model offers only None, and says why", async () => {
        await showView(page, "Settings");
        const defaults = page.getByRole("region", {name: "Generation defaults"});
        await defaults.getByRole("combobox", {name: "Model", exact: true}).selectOption({label: "Ponder LFM2-shaped header"});
        const draft = defaults.getByLabel("Draft model", {exact: true});
        await expect.poll(() => draft.getAttribute("aria-describedby")).not.toBeNull();
        expect(await draft.locator("option:not([disabled])").allTextContents()).toEqual(["None"]);
        expect(await draft.locator("option[disabled]").allTextContents()).toContain("Prompt lookup (no second model)");
        expect(await draft.evaluate((select) => document.getElementById(select.getAttribute("aria-describedby")!)?.textContent))
            .toBe("Not for this model: it is recurrent or hybrid (such as Mamba, RWKV, LFM2 or Qwen3-Next), and drafting would change its replies");
        await showView(page, "Back to chat");
    });

    test("presets: a family preset is chosen; a preset saved from the chat is picked for a new chat, renamed and deleted, in either language", async () => {
        await page.getByRole("button", {name: "New chat"}).click();
        if (await page.getByRole("complementary", {name: "Chat settings"}).count() === 0)
            await page.getByRole("button", {name: "Chat settings"}).click();
        await expect.poll(() => familyPreset().count(), {timeout: 30_000}).toBe(1);
        const picker = page.getByRole("combobox", {name: "Preset", exact: true});
        expect(await picker.isDisabled()).toBe(true);

        // Qwen3's preset for this (new) chat: its top-k of 20 replaces QwQ's 40.
        await familyPreset().selectOption("qwen3");
        await expect.poll(() => page.getByLabel("Top K", {exact: true}).inputValue()).toBe("20");
        await systemPrompt().fill("Speak like a pirate.");
        await systemPrompt().blur();
        const temperature = page.getByLabel("Temperature", {exact: true});
        await temperature.fill("0.3");
        await temperature.blur();
        await expect.poll(() => page.getByRole("button", {name: "Reset Temperature"}).count()).toBe(1);

        await page.getByRole("button", {name: "Save as preset…"}).click();
        await page.getByRole("textbox", {name: "Preset name"}).fill("Pirate");
        await page.getByRole("button", {name: "Save preset"}).click();
        await expect.poll(() => picker.locator("option").allTextContents()).toEqual(["Choose a preset…", "Pirate"]);

        await page.getByRole("button", {name: "New chat"}).click();
        await expect.poll(() => systemPrompt().inputValue()).toBe("");
        await picker.selectOption({label: "Pirate"});
        await page.getByRole("button", {name: "Use preset"}).click();
        await expect.poll(() => systemPrompt().inputValue()).toBe("Speak like a pirate.");
        await expect.poll(() => temperature.inputValue()).toBe("0.3");
        expect(await familyPreset().inputValue()).toBe("qwen3");
        await ask("Ahoy");
        expect(await page.getByRole("heading", {level: 1}).textContent()).toBe("Ahoy");

        await page.getByText("Manage presets").click();
        await page.getByRole("button", {name: "Rename preset Pirate"}).click();
        await page.getByRole("textbox", {name: "New name for Pirate"}).fill("Corsair");
        await page.getByRole("button", {name: "Rename", exact: true}).click();
        await expect.poll(() => picker.locator("option").allTextContents()).toEqual(["Choose a preset…", "Corsair"]);

        // Kept by the main side, and named in Chinese too.
        await useUiLanguage(page, "zh-CN");
        await page.getByRole("button", {name: "对话设置"}).click();
        const chinesePicker = page.getByRole("combobox", {name: "预设", exact: true});
        await expect.poll(() => chinesePicker.locator("option").allTextContents(), {timeout: 30_000}).toEqual(["选择预设…", "Corsair"]);
        expect(await page.getByRole("combobox", {name: "模型系列预设"}).inputValue()).toBe("qwen3");
        await page.getByRole("button", {name: "另存为预设…"}).click();
        await page.getByRole("textbox", {name: "预设名称"}).fill("Sloop");
        await page.getByRole("button", {name: "保存预设"}).click();
        await expect.poll(() => chinesePicker.locator("option").allTextContents()).toEqual(["选择预设…", "Corsair", "Sloop"]);

        // A delete can be undone, as a chat's can: the preset comes back as it was, in its place.
        await page.getByText("管理预设").click();
        await page.getByRole("button", {name: "删除预设 Corsair"}).click();
        await expect.poll(() => chinesePicker.locator("option").allTextContents()).toEqual(["选择预设…", "Sloop"]);
        const undoBar = page.getByRole("status").filter({has: page.getByRole("button", {name: "撤销"})});
        expect(await undoBar.textContent()).toContain("已删除预设“Corsair”。");
        await undoBar.getByRole("button", {name: "撤销"}).click();
        await expect.poll(() => chinesePicker.locator("option").allTextContents()).toEqual(["选择预设…", "Corsair", "Sloop"]);
        // The sidebar's first button, not the untitled chat of the same name in the list below it.
        await page.getByRole("button", {name: "新对话", exact: true}).first().click();
        await chinesePicker.selectOption({label: "Corsair"});
        await page.getByRole("button", {name: "使用预设"}).click();
        await expect.poll(() => page.getByRole("textbox", {name: "系统提示词"}).inputValue()).toBe("Speak like a pirate.");
        await expect.poll(() => page.getByLabel("温度", {exact: true}).inputValue()).toBe("0.3");
        expect(await page.getByRole("combobox", {name: "模型系列预设"}).inputValue()).toBe("qwen3");

        await page.getByRole("button", {name: "删除预设 Corsair"}).click();
        await page.getByRole("button", {name: "删除预设 Sloop"}).click();
        await expect.poll(() => chinesePicker.locator("option").allTextContents()).toEqual(["还没有预设"]);
        expect(await chinesePicker.isDisabled()).toBe(true);
        await useUiLanguage(page, "en");
    });
});
