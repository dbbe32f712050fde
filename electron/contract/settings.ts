/**
 * Generation and load settings, by model and by chat.
 * The requests' argument schemas (built with the zod the main side passes in, so this module loads
 * without it), their results, events and the values they carry; ../contract.ts joins every domain.
 */
import type {z} from "zod";
import type {RequestSchemaBuilders, Zod} from "./RequestSchemaBuilders.ts";

export const settingsRequests = {
    "settings.get": ({z, id}) => z.strictObject({modelId: id, chatId: id.optional()}),
    "settings.update": ({z, id}) => z.strictObject({
        modelId: id,
        /** Omitted: the model's own defaults; given: this chat only. */
        chatId: id.optional(),
        values: generationSettingsSchema(z).partial(),
        /** Settings to take back to what the layer below says (the preset, or the model's defaults). */
        reset: z.array(generationSettingsSchema(z).keyof()).max(32).optional(),
        /** The family preset this layer follows; null: the one below (for the model, the one its name suggests). */
        family: z.enum(modelFamilies).nullable().optional()
    }),
    "settings.listPresets": ({z}) => z.undefined(),
    /** Saves the chat's system prompt, preset family and changed settings (the model's and the chat's, load options left out) under a name. */
    "settings.savePreset": ({z, id}) => z.strictObject({name: presetName(z), modelId: id, chatId: id.optional()}),
    "settings.renamePreset": ({z, id}) => z.strictObject({presetId: id, name: presetName(z)}),
    "settings.deletePreset": ({z, id}) => z.strictObject({presetId: id}),
    /** Puts a deleted preset back as it was (its id, name and time keep its place in the list): the delete's undo. */
    "settings.restorePreset": ({z, id}) => z.strictObject({
        preset: z.strictObject({
            id,
            name: presetName(z),
            systemPrompt: z.string().max(20_000),
            family: z.enum(modelFamilies),
            values: replySettingsSchema(z).partial(),
            createdAt: z.number().int().nonnegative()
        })
    }),
    /** Gives the chat the preset's system prompt, family and settings, replacing the chat's own. */
    "settings.applyPreset": ({z, id}) => z.strictObject({presetId: id, modelId: id, chatId: id})
} satisfies RequestSchemaBuilders;

export interface SettingsResults {
    "settings.get": SettingsView;
    "settings.update": SettingsView;
    "settings.listPresets": UserPreset[];
    "settings.savePreset": UserPreset[];
    "settings.renamePreset": UserPreset[];
    "settings.deletePreset": UserPreset[];
    "settings.restorePreset": UserPreset[];
    "settings.applyPreset": SettingsView;
}

function presetName(z: Zod) {
    return z.string().trim().min(1).max(100);
}

/** The model families with a preset of their own (published recommendations), and "other" (llama.cpp's defaults). */
export const modelFamilies = ["qwq", "deepseekR1Distill", "qwen3", "other"] as const;

/** The language lock's choices (a generation setting), in the order the settings panel offers them. */
export const languageLocks = ["off", "match", "english", "chinese"] as const;

/** How a model's KV cache stores keys and values (native/kvCache says what each means to llama.cpp). */
export const kvCacheTypes = ["f16", "q8_0", "q4_0"] as const;

export type KvCacheType = (typeof kvCacheTypes)[number];

/** Every generation setting with its allowed range; `null` means "unlimited" or "automatic". */
export function generationSettingsSchema(z: Zod) {
    const count = (max: number) => z.number().int().min(1).max(max).nullable();
    return z.strictObject({
        temperature: z.number().min(0).max(2),
        topP: z.number().min(0).max(1),
        topK: z.number().int().min(0).max(1000),
        minP: z.number().min(0).max(1),
        repeatPenalty: z.number().min(1).max(2),
        presencePenalty: z.number().min(0).max(2),
        seed: z.number().int().min(0).max(2 ** 32 - 1).nullable(),
        maxTokens: count(1_000_000),
        reasoningBudget: count(1_000_000),
        languageLock: z.enum(languageLocks),
        contextOverflow: z.enum(["dropOldest", "stop"]),
        /** Offer the enabled MCP tools to models that can call them ("Use tools"). */
        useTools: z.boolean(),
        contextSize: z.number().int().min(256).max(1_048_576).nullable(),
        gpuLayers: z.number().int().min(0).max(1000).nullable(),
        threads: count(1024),
        batchSize: z.number().int().min(32).max(65_536).nullable(),
        /** API replies generated at once (desktop chats get one sequence more); each needs its own KV cache. */
        parallelReplies: count(32),
        /** How the KV cache stores keys and values: q8_0 holds about twice the context of f16 in the same memory. */
        kvCacheType: z.enum(kvCacheTypes),
        /** A library model of the same vocabulary that drafts tokens for this one to check (speculative decoding); null: none. */
        draftModelId: z.string().min(1).max(4096).nullable(),
        /** Draft from the conversation itself (prompt lookup, no second model); a draft model, when chosen, takes its place. */
        promptLookup: z.boolean()
    });
}

/** The settings that shape a reply, without the load options (which belong to a model): what a chat or a user preset keeps. */
export function replySettingsSchema(z: Zod) {
    return generationSettingsSchema(z).omit({contextSize: true, gpuLayers: true, threads: true, batchSize: true, parallelReplies: true, kvCacheType: true, draftModelId: true, promptLookup: true});
}

/** Generation and load settings (#5). Load options (context size, GPU layers, threads, batch size) apply at the next load. */
export type GenerationSettings = z.infer<ReturnType<typeof generationSettingsSchema>>;

export type GenerationSettingName = keyof GenerationSettings;

/** Settings that shape the loaded model rather than a reply: per model only, applied at the next load. */
export const loadSettingNames = ["contextSize", "gpuLayers", "threads", "batchSize", "parallelReplies", "kvCacheType", "draftModelId", "promptLookup"] as const satisfies readonly GenerationSettingName[];

/** The settings that take effect when a model loads, not per reply. */
export type LoadSettings = Pick<GenerationSettings, (typeof loadSettingNames)[number]>;

export type LanguageLock = GenerationSettings["languageLock"];

/** Which published recommendations a model's preset follows. */
export type ModelFamily = (typeof modelFamilies)[number];

/** The user's own preset (#20): a system prompt, a family preset and the settings changed over it. */
export interface UserPreset {
    id: string;
    name: string;
    systemPrompt: string;
    family: ModelFamily;
    /** Reply settings only: load options belong to a model. */
    values: Partial<GenerationSettings>;
    createdAt: number;
}

/** A model's (and optionally a chat's) settings, layer by layer, so the UI can show what differs from the preset. */
export interface SettingsView {
    modelId: string;
    chatId?: string;
    /** The family whose preset applies: the chat's choice, else the model's, else {@link detectedFamily}. */
    family: ModelFamily;
    /** The family the model's name suggests. */
    detectedFamily: ModelFamily;
    /** The family chosen for the model and for the chat; null where none was. */
    chosenFamily: {model: ModelFamily | null; chat: ModelFamily | null};
    preset: GenerationSettings;
    /** What the user changed for this model (its defaults). */
    model: Partial<GenerationSettings>;
    /** What the user changed for this chat; empty without a chat. */
    chat: Partial<GenerationSettings>;
    /** preset ← model ← chat: what the next reply uses. */
    effective: GenerationSettings;
}
