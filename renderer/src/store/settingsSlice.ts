import type {StateCreator} from "zustand/vanilla";
import type {GenerationSettingName, GenerationSettings, PonderApi, SettingsView} from "../../../electron/contract";
import type {PonderState} from "./createPonderStore";
import {requestAction} from "./requestAction";

export interface SettingsSlice {
    /** The loaded model's settings, with the open chat's layer when a chat is open; null until loaded. */
    settings: SettingsView | null;
    /** Fetches the settings of a model (and chat); a stale answer for another model or chat is dropped. */
    loadSettings(modelId: string, chatId: string | null): Promise<void>;
    /** Changes or resets settings for the chat (`chatId`) or, without one, for the model's defaults. */
    changeSettings(change: {modelId: string; chatId: string | null; values?: Partial<GenerationSettings>; reset?: GenerationSettingName[]}): Promise<void>;
}

export const createSettingsSlice = (api: PonderApi): StateCreator<PonderState, [], [], SettingsSlice> => (set, get) => {
    let latestRequest = 0;
    async function apply(request: () => Promise<SettingsView>) {
        const id = ++latestRequest;
        const result = await requestAction(get().reportError, request);
        if (result.ok && id === latestRequest)
            set({settings: result.value});
    }

    return {
        settings: null,
        loadSettings(modelId, chatId) {
            return apply(() => api.settings.get({modelId, ...(chatId == null ? {} : {chatId})}));
        },
        changeSettings({modelId, chatId, values = {}, reset}) {
            return apply(async () => {
                const updated = await api.settings.update({modelId, ...(chatId == null ? {} : {chatId}), values, ...(reset == null ? {} : {reset})});
                // The model's defaults changed while a chat's settings are shown: keep showing them
                // through that chat's layer (the update answers without it).
                const shownChatId = get().settings?.chatId;
                return chatId == null && shownChatId != null ? api.settings.get({modelId, chatId: shownChatId}) : updated;
            });
        }
    };
};
