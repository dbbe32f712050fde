import type {StateCreator} from "zustand/vanilla";
import type {GenerationSettingName, GenerationSettings, ModelFamily, PonderApi, SettingsView, UserPreset} from "../../../electron/contract";
import type {PonderState} from "./createPonderStore";
import {requestAction} from "./requestAction";
import type {ActionResult} from "./requestAction";
import {updateField} from "./updateField";

export interface SettingsSlice {
    /** The loaded model's settings, with the open chat's layer when a chat is open; null until loaded. */
    settings: SettingsView | null;
    /** Fetches the settings of a model (and chat); a stale answer for another model or chat is dropped. */
    loadSettings(modelId: string, chatId: string | null): Promise<void>;
    /** Changes or resets settings for the chat (`chatId`) or, without one, for the model's defaults. */
    changeSettings(change: {modelId: string; chatId: string | null; values?: Partial<GenerationSettings>; reset?: GenerationSettingName[]; family?: ModelFamily | null}): Promise<void>;
    /** The user's own presets, by name; null until loaded. */
    presets: UserPreset[] | null;
    loadPresets(): Promise<void>;
    /** Saves the chat's (or a new chat's) system prompt, family and changed settings. */
    savePreset(name: string, modelId: string, chatId: string | null): Promise<ActionResult<UserPreset[]>>;
    renamePreset(presetId: string, name: string): Promise<ActionResult<UserPreset[]>>;
    /** Deletes a preset, offering to undo it as any delete. */
    deletePreset(presetId: string): Promise<ActionResult<UserPreset[]>>;
    /** Puts a deleted preset back as it was (the delete's undo). */
    restorePreset(preset: UserPreset): Promise<void>;
    /** Gives the chat the preset's system prompt and settings; the settings shown are then fetched again. */
    applyPreset(presetId: string, modelId: string, chatId: string): Promise<void>;
    /** Counts the changes made to settings behind the shown view's back (a preset applied), for the view to fetch them again. */
    settingsRevision: number;
}

export const createSettingsSlice = (api: PonderApi): StateCreator<PonderState, [], [], SettingsSlice> => (set, get) => {
    let latestRequest = 0;
    async function apply(request: () => Promise<SettingsView>) {
        const id = ++latestRequest;
        const result = await requestAction(get().reportError, request);
        if (result.ok && id === latestRequest)
            set({settings: result.value});
    }

    const changePresets = updateField(get, set, "presets");

    return {
        settings: null,
        loadSettings(modelId, chatId) {
            return apply(() => api.settings.get({modelId, ...(chatId == null ? {} : {chatId})}));
        },
        changeSettings({modelId, chatId, values = {}, reset, family}) {
            return apply(async () => {
                const updated = await api.settings.update({modelId, ...(chatId == null ? {} : {chatId}), values, ...(reset == null ? {} : {reset}), ...(family === undefined ? {} : {family})});
                // The model's defaults changed while a chat's settings are shown: keep showing them
                // through that chat's layer (the update answers without it).
                const shownChatId = get().settings?.chatId;
                return chatId == null && shownChatId != null ? api.settings.get({modelId, chatId: shownChatId}) : updated;
            });
        },
        presets: null,
        async loadPresets() {
            await changePresets(() => api.settings.listPresets());
        },
        savePreset(name, modelId, chatId) {
            return changePresets(() => api.settings.savePreset({name, modelId, ...(chatId == null ? {} : {chatId})}));
        },
        renamePreset(presetId, name) {
            return changePresets(() => api.settings.renamePreset({presetId, name}));
        },
        async deletePreset(presetId) {
            const preset = get().presets?.find(({id}) => id === presetId);
            const result = await changePresets(() => api.settings.deletePreset({presetId}));
            if (result.ok && preset != null)
                set({lastDeletion: {kind: "preset", preset}});
            return result;
        },
        async restorePreset(preset) {
            await changePresets(() => api.settings.restorePreset({preset}));
        },
        async applyPreset(presetId, modelId, chatId) {
            const result = await requestAction(get().reportError, () => api.settings.applyPreset({presetId, modelId, chatId}));
            if (result.ok)
                set((state) => ({settingsRevision: state.settingsRevision + 1}));
        },
        settingsRevision: 0
    };
};
