import {useEffect, useId, useRef, useState} from "react";
import type {FormEvent} from "react";
import {useTranslation} from "react-i18next";
import type {UserPreset} from "../../../electron/contract";
import {neighbourOf} from "../focus/neighbourOf";
import {usePonder} from "../store/PonderStoreContext";

/**
 * The user's own presets in the chat's settings: pick one for this chat (a new chat gets created),
 * save the chat's system prompt and settings as one, rename or delete them.
 */
export function ChatPresets({chatId, modelId}: {chatId: string | null; modelId: string | null}) {
    const {t} = useTranslation();
    const presets = usePonder((state) => state.presets);
    const loadPresets = usePonder((state) => state.loadPresets);
    const applyPreset = usePonder((state) => state.applyPreset);
    const savePreset = usePonder((state) => state.savePreset);
    const ensureChat = usePonder((state) => state.ensureChat);
    const pickerId = useId();
    const [saving, setSaving] = useState(false);
    const [picked, setPicked] = useState("");
    // Kept here, not by the <details>: deleting the last preset removes it, and an undo brings it back as it was.
    const [managing, setManaging] = useState(false);
    const saveAsRef = useRef<HTMLButtonElement>(null);
    const pickable = modelId != null && presets != null && presets.length > 0;

    useEffect(() => {
        if (presets == null)
            void loadPresets();
    }, [presets, loadPresets]);

    async function apply() {
        // The open chat, or a new one created for it.
        const target = await ensureChat();
        if (modelId != null && target.ok)
            await applyPreset(picked, modelId, target.value);
    }

    return (
        <section className="chat-panel__section presets" aria-label={t("presets.heading")}>
            <label htmlFor={pickerId}>{t("presets.pick")}</label>
            <div className="presets__row">
                {/* Applied with the button, not on change: arrow keys on a closed select would apply each one passed. */}
                <select id={pickerId} value={picked} disabled={!pickable} onChange={(event) => setPicked(event.target.value)}>
                    <option value="" disabled>{presets?.length === 0 ? t("presets.none") : t("presets.choose")}</option>
                    {presets?.map((preset) => <option key={preset.id} value={preset.id}>{preset.name}</option>)}
                </select>
                <button type="button" className="button button--small" disabled={!pickable || !presets.some(({id}) => id === picked)} onClick={() => void apply()}>
                    {t("presets.apply")}
                </button>
            </div>
            {saving
                ? (
                    <PresetNameForm
                        label={t("presets.name")}
                        submitLabel={t("presets.save")}
                        initial=""
                        onSubmit={async (name) => modelId != null && (await savePreset(name, modelId, chatId)).ok}
                        onDone={() => setSaving(false)}
                    />
                )
                : (
                    <button ref={saveAsRef} type="button" className="button button--small" disabled={modelId == null} onClick={() => setSaving(true)}>
                        {t("presets.saveAs")}
                    </button>
                )}
            {presets != null && presets.length > 0 && (
                <details className="presets__manage" open={managing} onToggle={(event) => setManaging(event.currentTarget.open)}>
                    <summary>{t("presets.manage")}</summary>
                    <ul className="presets__list">
                        {presets.map((preset) => <PresetRow key={preset.id} preset={preset} onDeleted={(next) => (next ?? saveAsRef.current)?.focus()} />)}
                    </ul>
                </details>
            )}
        </section>
    );
}

/** `onDeleted`: the preset is gone, with its Delete button; `next` is the neighbouring preset's, for the focus. */
function PresetRow({preset, onDeleted}: {preset: UserPreset; onDeleted(next: HTMLElement | null): void}) {
    const {t} = useTranslation();
    const renamePreset = usePonder((state) => state.renamePreset);
    const deletePreset = usePonder((state) => state.deletePreset);
    const [renaming, setRenaming] = useState(false);
    if (renaming)
        return (
            <li className="presets__item">
                <PresetNameForm
                    label={t("presets.newName", {name: preset.name})}
                    submitLabel={t("presets.renameDone")}
                    initial={preset.name}
                    onSubmit={async (name) => name === preset.name || (await renamePreset(preset.id, name)).ok}
                    onDone={() => setRenaming(false)}
                />
            </li>
        );
    return (
        <li className="presets__item">
            <span className="presets__name">{preset.name}</span>
            <button type="button" className="button button--small" aria-label={t("presets.rename", {name: preset.name})} onClick={() => setRenaming(true)}>
                {t("conversations.rename")}
            </button>
            <button
                type="button"
                className="button button--small presets__delete"
                aria-label={t("presets.delete", {name: preset.name})}
                onClick={async (event) => {
                    const next = neighbourOf(event.currentTarget, ".presets__delete", event.currentTarget.closest(".presets__list")!);
                    if ((await deletePreset(preset.id)).ok)
                        onDeleted(next);
                }}
            >
                {t("conversations.delete")}
            </button>
        </li>
    );
}

interface PresetNameFormProps {
    label: string;
    submitLabel: string;
    initial: string;
    /** Whether the name was taken (a refusal, such as a name in use, is reported and keeps the form open). */
    onSubmit(name: string): Promise<boolean> | boolean;
    onDone(): void;
}

function PresetNameForm({label, submitLabel, initial, onSubmit, onDone}: PresetNameFormProps) {
    const {t} = useTranslation();
    const [name, setName] = useState(initial);
    async function submit(event: FormEvent) {
        event.preventDefault();
        if (name.trim() !== "" && await onSubmit(name.trim()))
            onDone();
    }
    return (
        <form className="presets__form" onSubmit={(event) => void submit(event)}>
            <input
                aria-label={label}
                value={name}
                maxLength={100}
                autoFocus
                onChange={(event) => setName(event.target.value)}
                onKeyDown={(event) => {
                    if (event.key === "Escape") {
                        // Closes this form, not the panel around it.
                        event.preventDefault();
                        onDone();
                    }
                }}
            />
            <button type="submit" className="button button--small" disabled={name.trim() === ""}>{submitLabel}</button>
            <button type="button" className="button button--small" onClick={onDone}>{t("presets.cancel")}</button>
        </form>
    );
}
