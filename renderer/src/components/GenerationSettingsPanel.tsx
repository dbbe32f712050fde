import {useEffect, useId, useState} from "react";
import type {ChangeEvent, KeyboardEvent, ReactNode} from "react";
import {useTranslation} from "react-i18next";
import type {GenerationSettingName, GenerationSettings, KvCacheType, LoadSettings, ModelFamily, SettingsView} from "../../../electron/contract";
import {usePonder} from "../store/PonderStoreContext";
import {readyRuntimeOf} from "../store/runtimeSelectors";
import {DraftModelPicker} from "./DraftModelPicker";
import {kvCacheTypes, languageLocks, loadSettingNames, modelFamilies} from "../../../electron/contract/settings";

const budgetPresets = [1024, 4096, 8192, 16384, 32768] as const;

type NumberSettingName = {[N in GenerationSettingName]: GenerationSettings[N] extends number | null ? N : never}[GenerationSettingName];

/** Number settings in the order shown, with their input steps; `nullable` ones may be left empty (automatic or unlimited). */
const samplingFields: ReadonlyArray<{name: NumberSettingName; step: number; nullable?: boolean}> = [
    {name: "temperature", step: 0.05},
    {name: "topP", step: 0.01},
    {name: "topK", step: 1},
    {name: "minP", step: 0.01},
    {name: "repeatPenalty", step: 0.05},
    {name: "presencePenalty", step: 0.1},
    {name: "seed", step: 1, nullable: true},
    {name: "maxTokens", step: 1, nullable: true}
];
/** Load options that are numbers, all of which may be left empty (automatic). */
const loadFields: ReadonlyArray<{name: NumberSettingName & keyof LoadSettings; step: number}> = [
    {name: "contextSize", step: 256},
    {name: "gpuLayers", step: 1},
    {name: "threads", step: 1},
    {name: "batchSize", step: 32},
    {name: "parallelReplies", step: 1}
];

/**
 * A model's generation settings: in a chat (the right-hand panel) for "This chat only" — the
 * default — or the model's defaults; in Settings for the model's defaults alone. Each view shows
 * the values of its own layer, every value that differs from the family's preset is marked, and
 * each change can be taken back.
 */
export function GenerationSettingsPanel({modelId, inChat}: {modelId: string | null; inChat: boolean}) {
    const {t} = useTranslation();
    const activeChatId = usePonder((state) => state.activeChatId);
    const settings = usePonder((state) => state.settings);
    const loadSettings = usePonder((state) => state.loadSettings);
    const settingsRevision = usePonder((state) => state.settingsRevision);
    const changeSettings = usePonder((state) => state.changeSettings);
    const ensureChat = usePonder((state) => state.ensureChat);
    const readyRuntime = usePonder(readyRuntimeOf(modelId));
    const loadedWith = readyRuntime?.loadedWith;
    const unsupported = readyRuntime?.unsupportedSettings;
    const loadModel = usePonder((state) => state.loadModel);
    const modelRequestPending = usePonder((state) => state.modelRequestPending);
    const [scope, setScope] = useState<"model" | "chat">(inChat ? "chat" : "model");
    const chatScope = inChat && scope === "chat";
    // A new chat has no layer of its own yet: it shows the model's values until a change creates it.
    const shownChatId = chatScope ? activeChatId : null;

    useEffect(() => {
        if (modelId != null)
            void loadSettings(modelId, shownChatId);
    }, [modelId, shownChatId, loadSettings, settingsRevision]);

    const view = settings != null && settings.modelId === modelId && (settings.chatId ?? null) === shownChatId ? settings : null;
    const target = async () => {
        if (!chatScope)
            return null;
        const chat = await ensureChat();
        return chat.ok ? chat.value : null;
    };
    async function change(values: Partial<GenerationSettings>) {
        const chatId = await target();
        if (modelId != null && (chatId != null || !chatScope))
            await changeSettings({modelId, chatId, values});
    }
    async function reset(names: GenerationSettingName[]) {
        const chatId = await target();
        if (modelId != null && (chatId != null || !chatScope))
            await changeSettings({modelId, chatId, reset: names});
    }
    async function chooseFamily(family: ModelFamily | null) {
        const chatId = await target();
        if (modelId != null && (chatId != null || !chatScope))
            await changeSettings({modelId, chatId, family});
    }
    // Load options only take effect at the next load: say so while the model runs with others.
    const reloadNeeded = view != null && loadedWith != null &&
        loadSettingNames.some((name) => view.effective[name] !== loadedWith[name]);
    const reload = reloadNeeded && modelId != null ? {pending: modelRequestPending, start: () => void loadModel(modelId)} : null;

    return (
        <section className="settings" aria-label={t("settings.heading")}>
            <h3 className="settings__summary">{t("settings.heading")}</h3>
            {view == null
                ? <p className="settings__note">{t("settings.noModel")}</p>
                : (
                    <SettingsForm
                        view={view}
                        chatScope={chatScope}
                        onScope={inChat ? setScope : null}
                        onChange={(values) => void change(values)}
                        onReset={(names) => void reset(names)}
                        onFamily={(family) => void chooseFamily(family)}
                        reload={reload}
                        unsupported={unsupported ?? []}
                    />
                )}
        </section>
    );
}

interface SettingsFormProps {
    view: SettingsView;
    chatScope: boolean;
    /** Null where only the model's defaults can be changed (Settings). */
    onScope: ((scope: "model" | "chat") => void) | null;
    onChange(values: Partial<GenerationSettings>): void;
    onReset(names: GenerationSettingName[]): void;
    /** Chooses the family preset of the layer shown; null: the one below it. */
    onFamily(family: ModelFamily | null): void;
    /** Offered when the model runs with other load options than those set; null when it doesn't. */
    reload: {pending: boolean; start(): void} | null;
    /** Settings the loaded engine can't apply (a remote engine's). */
    unsupported: readonly GenerationSettingName[];
}

function SettingsForm({view, chatScope, onScope, onChange, onReset, onFamily, reload, unsupported}: SettingsFormProps) {
    const {t} = useTranslation();
    const familyId = useId();
    const chosenFamily = chatScope ? view.chosenFamily.chat : view.chosenFamily.model;
    const familyBelow = chatScope ? view.chosenFamily.model ?? view.detectedFamily : view.detectedFamily;
    const {effective, preset} = view;
    const layer = chatScope ? view.chat : view.model;
    const changedHere = Object.keys(layer) as GenerationSettingName[];
    // `alsoSets`: settings the same control chooses, shown, marked and reset with it.
    const field = (name: GenerationSettingName, control: (id: string) => ReactNode, alsoSets: readonly GenerationSettingName[] = []) => (
        <SettingField
            key={name}
            label={t(`settings.field.${name}`)}
            differs={[name, ...alsoSets].some((setting) => effective[setting] !== preset[setting])}
            changedHere={[name, ...alsoSets].some((setting) => setting in layer)}
            unsupported={unsupported.includes(name)}
            onReset={() => onReset([name, ...alsoSets])}
        >
            {control}
        </SettingField>
    );

    return (
        <div className="settings__form">
            {onScope != null && (
                <fieldset className="settings__scope">
                    <legend>{t("settings.scope")}</legend>
                    <label>
                        <input type="radio" name="settings-scope" checked={chatScope} onChange={() => onScope("chat")} />
                        {t("settings.scopeChat")}
                    </label>
                    <label>
                        <input type="radio" name="settings-scope" checked={!chatScope} onChange={() => onScope("model")} />
                        {t("settings.scopeModel")}
                    </label>
                </fieldset>
            )}
            <div className="settings__field">
                <label htmlFor={familyId} className="settings__label">{t("settings.familyPreset")}</label>
                <div className="settings__control">
                    <select id={familyId} value={chosenFamily ?? ""} onChange={(event) => onFamily(event.target.value === "" ? null : event.target.value as ModelFamily)}>
                        <option value="">
                            {t(chatScope ? "settings.familyAsModel" : "settings.familyByName", {family: t(`settings.family.${familyBelow}`)})}
                        </option>
                        {modelFamilies.map((family) => <option key={family} value={family}>{t(`settings.family.${family}`)}</option>)}
                    </select>
                </div>
            </div>
            {reload != null && (
                <div className="settings__reload" role="status">
                    <span>{t("settings.reloadNeeded")}</span>
                    <button type="button" className="button button--small" disabled={reload.pending} onClick={reload.start}>
                        {t("settings.reloadNow")}
                    </button>
                </div>
            )}

            {field("reasoningBudget", (id) => <ReasoningBudget id={id} value={effective.reasoningBudget} onChange={(reasoningBudget) => onChange({reasoningBudget})} />)}
            {field("languageLock", (id) => (
                <select id={id} value={effective.languageLock} onChange={(event) => onChange({languageLock: event.target.value as GenerationSettings["languageLock"]})}>
                    {languageLocks.map((lock) => <option key={lock} value={lock}>{t(`settings.languageLock.${lock}`)}</option>)}
                </select>
            ))}
            {field("useTools", (id) => (
                // A model whose template has no tool-call form is offered no tools: the switch is off and stays off.
                <input id={id} type="checkbox" role="switch" checked={effective.useTools && !unsupported.includes("useTools")} disabled={unsupported.includes("useTools")}
                    onChange={(event) => onChange({useTools: event.target.checked})} />
            ))}
            {field("contextOverflow", (id) => (
                <select id={id} value={effective.contextOverflow} onChange={(event) => onChange({contextOverflow: event.target.value as GenerationSettings["contextOverflow"]})}>
                    <option value="stop">{t("settings.contextOverflow.stop")}</option>
                    <option value="dropOldest">{t("settings.contextOverflow.dropOldest")}</option>
                </select>
            ))}
            {samplingFields.map(({name, step, nullable}) => field(name, (id) => (
                <NumberInput id={id} value={effective[name]} step={step} nullable={nullable ?? false} placeholder={!nullable ? "" : name === "seed" ? t("settings.random") : t("settings.unlimited")} onCommit={(value) => onChange({[name]: value})} />
            )))}
            {!chatScope && (
                <>
                    <p className="settings__note">{t("settings.loadNote")}</p>
                    {loadFields.map(({name, step}) => field(name, (id) => (
                        <NumberInput id={id} value={effective[name]} step={step} nullable placeholder={t("settings.automatic")} onCommit={(value) => onChange({[name]: value})} />
                    )))}
                    {field("kvCacheType", (id) => (
                        <select id={id} value={effective.kvCacheType} onChange={(event) => onChange({kvCacheType: event.target.value as KvCacheType})}>
                            {kvCacheTypes.map((type) => <option key={type} value={type}>{t(`settings.kvCache.${type}`)}</option>)}
                        </select>
                    ))}
                    {field("draftModelId", (id) => (
                        <DraftModelPicker id={id} modelId={view.modelId} value={{draftModelId: effective.draftModelId, promptLookup: effective.promptLookup}} onChange={onChange} />
                    ), ["promptLookup"])}
                </>
            )}
            <button type="button" className="button button--small" disabled={changedHere.length === 0} onClick={() => onReset(changedHere)}>
                {chatScope ? t("settings.resetChat") : t("settings.resetModel")}
            </button>
        </div>
    );
}

interface SettingFieldProps {
    label: string;
    differs: boolean;
    changedHere: boolean;
    /** The loaded engine can't apply it: replies go without it. */
    unsupported: boolean;
    onReset(): void;
    /** Renders the control with the id its label points at. */
    children: (id: string) => ReactNode;
}

function SettingField({label, differs, changedHere, unsupported, onReset, children}: SettingFieldProps) {
    const {t} = useTranslation();
    const id = useId();
    return (
        <div className={differs ? "settings__field settings__field--changed" : "settings__field"}>
            <label htmlFor={id} className="settings__label">{label}</label>
            <div className="settings__control">
                {children(id)}
                {differs && <span className="settings__differs">{t("settings.differs")}</span>}
                {unsupported && <span className="settings__unsupported">{t("settings.unsupported")}</span>}
                {changedHere && (
                    <button type="button" className="button button--small" aria-label={t("settings.resetField", {name: label})} onClick={onReset}>
                        {t("settings.reset")}
                    </button>
                )}
            </div>
        </div>
    );
}

interface NumberInputProps {
    id: string;
    value: number | null;
    step: number;
    /** Whether it may be left empty (automatic or unlimited). */
    nullable: boolean;
    placeholder: string;
    onCommit(value: number | null): void;
}

/** Commits on Enter or when focus leaves, not on every keystroke. */
function NumberInput({id, value, step, nullable, placeholder, onCommit}: NumberInputProps) {
    const commit = (text: string) => {
        const trimmed = text.trim();
        if (trimmed === "" ? !nullable : !Number.isFinite(Number(trimmed)))
            return;
        const next = trimmed === "" ? null : Number(trimmed);
        if (next !== value)
            onCommit(next);
    };
    return (
        <input
            key={String(value)}
            id={id}
            type="number"
            inputMode="decimal"
            step={step}
            defaultValue={value ?? ""}
            placeholder={placeholder}
            onBlur={(event) => commit(event.target.value)}
            onKeyDown={(event: KeyboardEvent<HTMLInputElement>) => {
                if (event.key === "Enter")
                    commit(event.currentTarget.value);
            }}
        />
    );
}

function ReasoningBudget({id, value, onChange}: {id: string; value: number | null; onChange(value: number | null): void}) {
    const {t, i18n} = useTranslation();
    const [customChosen, setCustomChosen] = useState(false);
    const isPreset = value == null || (budgetPresets as readonly number[]).includes(value);
    const custom = customChosen || !isPreset;
    const onSelect = (event: ChangeEvent<HTMLSelectElement>) => {
        const choice = event.target.value;
        setCustomChosen(choice === "custom");
        if (choice !== "custom")
            onChange(choice === "unlimited" ? null : Number(choice));
    };
    return (
        <>
            <select id={id} value={custom ? "custom" : value == null ? "unlimited" : String(value)} onChange={onSelect}>
                <option value="unlimited">{t("settings.budget.unlimited")}</option>
                {budgetPresets.map((tokens) => <option key={tokens} value={tokens}>{t("settings.budget.tokens", {count: tokens, formatted: tokens.toLocaleString(i18n.language)})}</option>)}
                <option value="custom">{t("settings.budget.custom")}</option>
            </select>
            {custom && (
                <input
                    key={String(value)}
                    type="number"
                    min={1}
                    step={1}
                    aria-label={t("settings.budget.customLabel")}
                    defaultValue={value ?? ""}
                    onBlur={(event) => {
                        const tokens = Number(event.target.value);
                        if (Number.isInteger(tokens) && tokens > 0 && tokens !== value)
                            onChange(tokens);
                    }}
                />
            )}
        </>
    );
}
