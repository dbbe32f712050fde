import {randomUUID} from "node:crypto";
import {languageOfText, type LoadModelOptions} from "../../../native/index.ts";
import {requestSchemas, type GenerationSettings, type ModelFamily, type RequestArgs, type SettingsView, type DomainHandlers, type UserPreset} from "../../contract.ts";
import {loadSettingNames, modelFamilies} from "../../contract/settings.ts";
import type {ModelLibrary} from "../models/ModelLibrary.ts";
import type {ReplyRequest, ReplyTurn} from "../replies/ReplyEngine.ts";
import type {PonderDatabase} from "../store/openDatabase.ts";
import {modelFamilyOf, presetFor} from "./familyPresets.ts";
import {PonderError} from "../../contract/errors.ts";

/** A model's load options as the user chose them, with the draft model's library id beside its path. */
export type ChosenLoadOptions = LoadModelOptions & {draftModelId?: string};

/** What a reply takes from the settings; ChatReplies spreads it into its {@link ReplyRequest}. */
export type ReplySettings = Pick<ReplyRequest, "maxTokens" | "reasoningBudget" | "sampling" | "languageLock" | "contextOverflow">;

const overridesSchema = requestSchemas["settings.update"].shape.values;

/** A chat's system prompt, which a user preset carries; kept by the chats, not here. */
export interface ChatSystemPrompts {
    systemPromptOf(chatId: string): string;
    setSystemPrompt(chatId: string, systemPrompt: string): void;
}

interface PresetRow {
    id: string;
    name: string;
    system_prompt: string;
    family: string;
    settings: string;
    created_at: number;
}

/**
 * Generation settings in three layers: the model family's preset, the user's defaults for the
 * model, and per-chat changes. Only changes are stored, so a preset that improves reaches every
 * setting the user never touched. Which family's preset applies can be chosen per model and per
 * chat; the user's own presets (a system prompt, a family, changed settings) are kept here too.
 */
export class SettingsService {
    readonly #library: ModelLibrary;
    readonly #families = new Map<string, ModelFamily>();
    readonly #chats: ChatSystemPrompts;
    readonly #db: PonderDatabase;
    readonly #statements;

    constructor(db: PonderDatabase, library: ModelLibrary, chats: ChatSystemPrompts) {
        this.#library = library;
        this.#chats = chats;
        this.#db = db;
        this.#statements = {
            getModel: db.prepare<[string], {settings: string; family: string | null}>("SELECT settings, family FROM model_settings WHERE model_id = ?"),
            putModel: db.prepare<[string, string]>("INSERT INTO model_settings (model_id, settings) VALUES (?, ?) ON CONFLICT (model_id) DO UPDATE SET settings = excluded.settings"),
            putModelFamily: db.prepare<[string, string | null]>("INSERT INTO model_settings (model_id, settings, family) VALUES (?, '{}', ?) ON CONFLICT (model_id) DO UPDATE SET family = excluded.family"),
            getChat: db.prepare<[string], {settings: string; family: string | null}>("SELECT settings, family FROM chat_settings WHERE chat_id = ?"),
            putChat: db.prepare<[string, string]>("INSERT INTO chat_settings (chat_id, settings) VALUES (?, ?) ON CONFLICT (chat_id) DO UPDATE SET settings = excluded.settings"),
            putChatFamily: db.prepare<[string, string | null]>("INSERT INTO chat_settings (chat_id, settings, family) VALUES (?, '{}', ?) ON CONFLICT (chat_id) DO UPDATE SET family = excluded.family"),
            listPresets: db.prepare<[], PresetRow>("SELECT * FROM user_presets ORDER BY name COLLATE NOCASE, created_at"),
            getPreset: db.prepare<[string], PresetRow>("SELECT * FROM user_presets WHERE id = ?"),
            presetNamed: db.prepare<[string, string], {id: string}>("SELECT id FROM user_presets WHERE name = ? COLLATE NOCASE AND id != ?"),
            insertPreset: db.prepare<[string, string, string, string, string, number]>("INSERT INTO user_presets (id, name, system_prompt, family, settings, created_at) VALUES (?, ?, ?, ?, ?, ?)"),
            renamePreset: db.prepare<[string, string]>("UPDATE user_presets SET name = ? WHERE id = ?"),
            deletePreset: db.prepare<[string]>("DELETE FROM user_presets WHERE id = ?"),
            // A chat deleted but still restorable keeps its settings, as the foreign key allows.
            chatExists: db.prepare<[string], {found: number}>("SELECT 1 AS found FROM chats WHERE id = ?")
        };
    }

    handlers(): DomainHandlers<"settings"> {
        return {
            get: ({modelId, chatId}) => this.get(modelId, chatId),
            update: (update) => this.update(update),
            listPresets: async () => this.presets(),
            savePreset: async ({name, modelId, chatId}) => this.savePreset(name, modelId, chatId),
            renamePreset: async ({presetId, name}) => this.renamePreset(presetId, name),
            deletePreset: async ({presetId}) => this.deletePreset(presetId),
            restorePreset: async ({preset}) => this.restorePreset(preset),
            applyPreset: ({presetId, modelId, chatId}) => this.applyPreset(presetId, modelId, chatId)
        };
    }

    presets(): UserPreset[] {
        return this.#statements.listPresets.all().map(presetOf);
    }

    /** Keeps what the chat (or, without one, a new chat of the model) would reply with, as the layers above the preset say it. */
    async savePreset(name: string, modelId: string, chatId: string | undefined): Promise<UserPreset[]> {
        this.#requireFreeName(name, "");
        const view = this.#view(await this.#familyOf(modelId), modelId, chatId);
        const values: Partial<GenerationSettings> = {...view.model, ...view.chat};
        for (const loadSetting of loadSettingNames)
            delete values[loadSetting];
        const systemPrompt = chatId == null ? "" : this.#chats.systemPromptOf(chatId);
        this.#statements.insertPreset.run(randomUUID(), name, systemPrompt, view.family, JSON.stringify(values), Date.now());
        return this.presets();
    }

    renamePreset(presetId: string, name: string): UserPreset[] {
        this.#requirePreset(presetId);
        this.#requireFreeName(name, presetId);
        this.#statements.renamePreset.run(name, presetId);
        return this.presets();
    }

    deletePreset(presetId: string): UserPreset[] {
        this.#requirePreset(presetId);
        this.#statements.deletePreset.run(presetId);
        return this.presets();
    }

    /** Puts a deleted preset back as it was; one that is already here (an undo sent twice) stays as it is. */
    restorePreset(preset: UserPreset): UserPreset[] {
        if (this.#statements.getPreset.get(preset.id) == null) {
            this.#requireFreeName(preset.name, preset.id);
            this.#statements.insertPreset.run(preset.id, preset.name, preset.systemPrompt, preset.family, JSON.stringify(preset.values), preset.createdAt);
        }
        return this.presets();
    }

    /** The chat takes the preset's system prompt, family and settings in place of its own. */
    async applyPreset(presetId: string, modelId: string, chatId: string): Promise<SettingsView> {
        const preset = presetOf(this.#requirePreset(presetId));
        const family = await this.#familyOf(modelId);
        if (this.#statements.chatExists.get(chatId) == null)
            throw new PonderError("chat.gone");
        this.#db.transaction(() => {
            this.#statements.putChat.run(chatId, JSON.stringify(preset.values));
            this.#statements.putChatFamily.run(chatId, preset.family);
        })();
        this.#chats.setSystemPrompt(chatId, preset.systemPrompt);
        return this.#view(family, modelId, chatId);
    }

    #requirePreset(presetId: string): PresetRow {
        const row = this.#statements.getPreset.get(presetId);
        if (row == null)
            throw new PonderError("settings.presetGone");
        return row;
    }

    #requireFreeName(name: string, presetId: string): void {
        if (this.#statements.presetNamed.get(name, presetId) != null)
            throw new PonderError("settings.presetNameTaken", {name});
    }

    async get(modelId: string, chatId?: string): Promise<SettingsView> {
        return this.#view(await this.#familyOf(modelId), modelId, chatId);
    }

    async update({modelId, chatId, values, reset = [], family: chosenFamily}: RequestArgs<"settings.update">): Promise<SettingsView> {
        const family = await this.#familyOf(modelId);
        if (chatId != null && loadSettingNames.some((name) => name in values))
            throw new PonderError("settings.loadOptionsPerModel");
        if (chatId != null && this.#statements.chatExists.get(chatId) == null)
            throw new PonderError("chat.gone");
        if ((values.draftModelId != null || values.promptLookup === true) && await this.#isRecurrent(modelId))
            throw new PonderError("model.draftOnRecurrent", {model: modelId});
        const stored = chatId == null ? this.#modelOverrides(modelId) : this.chatOverrides(chatId);
        const next: Partial<GenerationSettings> = {...stored, ...values};
        // A sequence drafts with one predictor: choosing a draft model or prompt lookup turns the
        // other off, and a draft model wins when one update asks for both.
        if (values.draftModelId != null)
            next.promptLookup = false;
        else if (values.promptLookup === true)
            next.draftModelId = null;
        for (const name of reset)
            delete next[name];
        const json = JSON.stringify(next);
        this.#db.transaction(() => {
            if (chatId == null)
                this.#statements.putModel.run(modelId, json);
            else
                this.#statements.putChat.run(chatId, json);
            if (chosenFamily !== undefined)
                (chatId == null ? this.#statements.putModelFamily : this.#statements.putChatFamily).run(chatId ?? modelId, chosenFamily);
        })();
        return this.#view(family, modelId, chatId);
    }

    /** The settings of the next reply in a chat, with "Match my message" decided from the last user turn. */
    replySettings(modelId: string, chatId: string, turns: readonly ReplyTurn[]): ReplySettings {
        const family = this.#families.get(modelId) ?? modelFamilyOf(modelId);
        const settings = this.#view(family, modelId, chatId).effective;
        const lastUserText = turns.findLast((turn) => turn.role === "user")?.text ?? "";
        return {
            maxTokens: settings.maxTokens ?? undefined,
            reasoningBudget: settings.reasoningBudget ?? undefined,
            languageLock: settings.languageLock === "off" ? undefined
                : settings.languageLock === "match" ? languageOfText(lastUserText)
                    : settings.languageLock,
            contextOverflow: settings.contextOverflow,
            sampling: {
                temperature: settings.temperature,
                topP: settings.topP,
                topK: settings.topK,
                minP: settings.minP,
                repeatPenalty: settings.repeatPenalty,
                presencePenalty: settings.presencePenalty,
                seed: settings.seed ?? undefined
            }
        };
    }

    /** Whether a chat's replies are offered the enabled tools ("Use tools"). */
    usesTools(modelId: string, chatId: string): boolean {
        return this.#view(this.#families.get(modelId) ?? modelFamilyOf(modelId), modelId, chatId).effective.useTools;
    }

    /**
     * The user's load options for a model; automatic ones are left out so the app's own defaults
     * apply. A draft model is resolved to its file (`model.draftGone` when it was deleted).
     */
    async loadOptions(modelId: string): Promise<ChosenLoadOptions> {
        const {effective} = await this.get(modelId);
        const {draftModelId} = effective;
        const draft = draftModelId == null ? undefined : await this.#library.resolve(draftModelId).catch((error: unknown) => {
            throw new PonderError("model.draftGone", {draft: draftModelId}, {cause: error});
        });
        return {
            ...(draft == null ? {} : {draftModelId: draftModelId!, draftModelPath: draft.path}),
            ...(effective.promptLookup ? {promptLookup: true} : {}),
            ...(effective.contextSize == null ? {} : {contextSize: effective.contextSize}),
            ...(effective.gpuLayers == null ? {} : {gpuLayers: effective.gpuLayers}),
            ...(effective.threads == null ? {} : {threads: effective.threads}),
            ...(effective.batchSize == null ? {} : {batchSize: effective.batchSize}),
            ...(effective.parallelReplies == null ? {} : {parallel: effective.parallelReplies}),
            ...(effective.kvCacheType === "f16" ? {} : {kvCacheType: effective.kvCacheType})
        };
    }

    /** `detectedFamily` is the model's by its name; a family chosen for the model or the chat takes its place. */
    #view(detectedFamily: ModelFamily, modelId: string, chatId: string | undefined): SettingsView {
        const chosenFamily = {
            model: familyOrNull(this.#statements.getModel.get(modelId)?.family),
            chat: chatId == null ? null : this.chatFamily(chatId)
        };
        const family = chosenFamily.chat ?? chosenFamily.model ?? detectedFamily;
        const preset = presetFor(family);
        const model = this.#modelOverrides(modelId);
        const chat = chatId == null ? {} : this.chatOverrides(chatId);
        return {modelId, ...(chatId == null ? {} : {chatId}), family, detectedFamily, chosenFamily, preset, model, chat, effective: {...preset, ...model, ...chat}};
    }

    #modelOverrides(modelId: string): Partial<GenerationSettings> {
        return parseOverrides(this.#statements.getModel.get(modelId)?.settings);
    }

    /** What the user changed for this chat (exported with it). */
    chatOverrides(chatId: string): Partial<GenerationSettings> {
        return parseOverrides(this.#statements.getChat.get(chatId)?.settings);
    }

    /** Replaces a chat's changes (an imported chat's); the chat must exist. */
    setChatOverrides(chatId: string, overrides: Partial<GenerationSettings>): void {
        this.#statements.putChat.run(chatId, JSON.stringify(overrides));
    }

    /** The family preset chosen for the chat (exported with it); null when it follows the model's. */
    chatFamily(chatId: string): ModelFamily | null {
        return familyOrNull(this.#statements.getChat.get(chatId)?.family);
    }

    /** Chooses an imported chat's family preset; the chat must exist. */
    setChatFamily(chatId: string, family: ModelFamily): void {
        this.#statements.putChatFamily.run(chatId, family);
    }

    /** A recurrent or hybrid model in the library; a remote model or a file that's gone is not. */
    async #isRecurrent(modelId: string): Promise<boolean> {
        return await this.#library.resolve(modelId).then(({file}) => file.metadata?.recurrent === true, () => false);
    }

    async #familyOf(modelId: string): Promise<ModelFamily> {
        let family = this.#families.get(modelId);
        if (family == null) {
            // A model whose file is gone still has settings; its id (the file name) names the family.
            const name = await this.#library.resolve(modelId).then(({file}) => file.metadata?.name, () => undefined);
            family = modelFamilyOf(name, modelId);
            this.#families.set(modelId, family);
        }
        return family;
    }
}

function familyOrNull(stored: string | null | undefined): ModelFamily | null {
    return (modelFamilies as readonly string[]).includes(stored ?? "") ? stored as ModelFamily : null;
}

function presetOf(row: PresetRow): UserPreset {
    return {id: row.id, name: row.name, systemPrompt: row.system_prompt, family: familyOrNull(row.family) ?? "other", values: parseOverrides(row.settings), createdAt: row.created_at};
}

/** Stored changes, keeping only the values this version still accepts. */
function parseOverrides(json: string | undefined): Partial<GenerationSettings> {
    if (json == null)
        return {};
    const raw = JSON.parse(json) as Record<string, unknown>;
    const valid: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(raw))
        if (overridesSchema.safeParse({[name]: value}).success)
            valid[name] = value;
    return valid as Partial<GenerationSettings>;
}
