import {languageOfText, type LoadModelOptions} from "../../../native/index.ts";
import {requestSchemas, type GenerationSettingName, type GenerationSettings, type ModelFamily, type RequestArgs, type SettingsView, type DomainHandlers} from "../../contract.ts";
import type {ModelLibrary} from "../models/ModelLibrary.ts";
import type {ReplyRequest, ReplyTurn} from "../replies/ReplyEngine.ts";
import type {PonderDatabase} from "../store/openDatabase.ts";
import {modelFamilyOf, presetFor} from "./familyPresets.ts";
import {PonderError} from "../../contract/errors.ts";

/** A model's load options as the user chose them, with the draft model's library id beside its path. */
export type ChosenLoadOptions = LoadModelOptions & {draftModelId?: string};

/** What a reply takes from the settings; ChatReplies spreads it into its {@link ReplyRequest}. */
export type ReplySettings = Pick<ReplyRequest, "maxTokens" | "thoughtBudget" | "sampling" | "languageLock" | "contextOverflow">;

/** Settings that shape the loaded model rather than a reply: per model only, applied at the next load. */
const loadSettingNames = ["contextSize", "gpuLayers", "threads", "batchSize", "parallelReplies", "kvCacheType", "draftModelId"] as const satisfies readonly GenerationSettingName[];

const overridesSchema = requestSchemas["settings.update"].shape.values;

/**
 * Generation settings in three layers: the model family's preset, the user's defaults for the
 * model, and per-chat changes. Only changes are stored, so a preset that improves reaches every
 * setting the user never touched.
 */
export class SettingsService {
    readonly #library: ModelLibrary;
    readonly #families = new Map<string, ModelFamily>();
    readonly #statements;

    constructor(db: PonderDatabase, library: ModelLibrary) {
        this.#library = library;
        this.#statements = {
            getModel: db.prepare<[string], {settings: string}>("SELECT settings FROM model_settings WHERE model_id = ?"),
            putModel: db.prepare<[string, string]>("INSERT INTO model_settings (model_id, settings) VALUES (?, ?) ON CONFLICT (model_id) DO UPDATE SET settings = excluded.settings"),
            getChat: db.prepare<[string], {settings: string}>("SELECT settings FROM chat_settings WHERE chat_id = ?"),
            putChat: db.prepare<[string, string]>("INSERT INTO chat_settings (chat_id, settings) VALUES (?, ?) ON CONFLICT (chat_id) DO UPDATE SET settings = excluded.settings"),
            // A chat deleted but still restorable keeps its settings, as the foreign key allows.
            chatExists: db.prepare<[string], {found: number}>("SELECT 1 AS found FROM chats WHERE id = ?")
        };
    }

    handlers(): DomainHandlers<"settings"> {
        return {
            get: ({modelId, chatId}) => this.get(modelId, chatId),
            update: (update) => this.update(update)
        };
    }

    async get(modelId: string, chatId?: string): Promise<SettingsView> {
        return this.#view(await this.#familyOf(modelId), modelId, chatId);
    }

    async update({modelId, chatId, values, reset = []}: RequestArgs<"settings.update">): Promise<SettingsView> {
        const family = await this.#familyOf(modelId);
        if (chatId != null && loadSettingNames.some((name) => name in values))
            throw new PonderError("settings.loadOptionsPerModel");
        const stored = chatId == null ? this.#modelOverrides(modelId) : this.chatOverrides(chatId);
        const next: Partial<GenerationSettings> = {...stored, ...values};
        for (const name of reset)
            delete next[name];
        const json = JSON.stringify(next);
        if (chatId == null)
            this.#statements.putModel.run(modelId, json);
        else {
            if (this.#statements.chatExists.get(chatId) == null)
                throw new PonderError("chat.gone");
            this.#statements.putChat.run(chatId, json);
        }
        return this.#view(family, modelId, chatId);
    }

    /** The settings of the next reply in a chat, with "Match my message" decided from the last user turn. */
    replySettings(modelId: string, chatId: string, turns: readonly ReplyTurn[]): ReplySettings {
        const family = this.#families.get(modelId) ?? modelFamilyOf(modelId);
        const settings = this.#view(family, modelId, chatId).effective;
        const lastUserText = turns.findLast((turn) => turn.role === "user")?.text ?? "";
        return {
            maxTokens: settings.maxTokens ?? undefined,
            thoughtBudget: settings.thinkingBudget ?? undefined,
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
            ...(effective.contextSize == null ? {} : {contextSize: effective.contextSize}),
            ...(effective.gpuLayers == null ? {} : {gpuLayers: effective.gpuLayers}),
            ...(effective.threads == null ? {} : {threads: effective.threads}),
            ...(effective.batchSize == null ? {} : {batchSize: effective.batchSize}),
            ...(effective.parallelReplies == null ? {} : {parallel: effective.parallelReplies}),
            ...(effective.kvCacheType === "f16" ? {} : {kvCacheType: effective.kvCacheType})
        };
    }

    #view(family: ModelFamily, modelId: string, chatId: string | undefined): SettingsView {
        const preset = presetFor(family);
        const model = this.#modelOverrides(modelId);
        const chat = chatId == null ? {} : this.chatOverrides(chatId);
        return {modelId, ...(chatId == null ? {} : {chatId}), family, preset, model, chat, effective: {...preset, ...model, ...chat}};
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
