import {useState, type FormEvent} from "react";
import {useTranslation} from "react-i18next";
import {localizeError, type Failure} from "../i18n/localizeError";
import {usePonder} from "../store/PonderStoreContext";
import {failureIn} from "../store/requestAction";
import type {ActionResult} from "../store/requestAction";

/** A labelled text field and its button; the action's failure shows beside it. */
export function SubmitForm({label, placeholder, submitLabel, pendingLabel, action, initialValue = ""}: {
    label: string;
    placeholder: string;
    submitLabel: string;
    pendingLabel: string;
    action: (value: string) => Promise<ActionResult<unknown>>;
    initialValue?: string;
}) {
    const [value, setValue] = useState(initialValue);
    const [pending, setPending] = useState(false);
    const [error, setError] = useState<Failure | null>(null);

    async function submit(event: FormEvent) {
        event.preventDefault();
        setPending(true);
        const failure = failureIn(await action(value.trim()));
        setPending(false);
        setError(failure);
        if (failure == null)
            setValue("");
    }

    return (
        <form className="library__form" onSubmit={(event) => void submit(event)}>
            <label className="library__label">
                {label}
                <input className="library__input" type="text" placeholder={placeholder} value={value} onChange={(event) => setValue(event.target.value)} />
            </label>
            <button type="submit" className="button button--small" disabled={pending || value.trim() === ""}>{pending ? pendingLabel : submitLabel}</button>
            {error != null && <p className="library__error" role="alert">{localizeError(error)}</p>}
        </form>
    );
}

/**
 * Adding GGUF files the user already has: the system's open dialog in the desktop app (the window
 * never sees a path), a path field in a browser, which can't tell where a file is on disk.
 */
export function AddModelFiles() {
    const {t} = useTranslation();
    const shell = usePonder((state) => state.shell);
    const importModel = usePonder((state) => state.importModel);
    if (shell === "desktop")
        return <PickFilesButton />;
    return (
        <>
            <SubmitForm label={t("library.importPath")} placeholder={t("library.importPlaceholder")} submitLabel={t("library.import")} pendingLabel={t("library.import")} action={importModel} />
            {shell === "headless" && <p className="library__hint">{t("library.pathHint")}</p>}
        </>
    );
}

function PickFilesButton() {
    const {t} = useTranslation();
    const importPickedModels = usePonder((state) => state.importPickedModels);
    const [pending, setPending] = useState(false);
    const [error, setError] = useState<Failure | null>(null);

    async function pick() {
        setPending(true);
        setError(failureIn(await importPickedModels()));
        setPending(false);
    }

    return (
        <div className="library__form">
            <button type="button" className="button button--small" disabled={pending} onClick={() => void pick()}>{t("library.choose")}</button>
            {error != null && <p className="library__error" role="alert">{localizeError(error)}</p>}
        </div>
    );
}

/** Where models are kept: the path, "Open folder" (desktop) and "Change folder" (the open dialog, or a path field in a browser). */
export function ModelsFolder() {
    const {t} = useTranslation();
    const shell = usePonder((state) => state.shell);
    const modelsDir = usePonder((state) => state.modelsDir);
    const openModelsFolder = usePonder((state) => state.openModelsFolder);
    const changeModelsFolder = usePonder((state) => state.changeModelsFolder);
    const [typing, setTyping] = useState(false);
    const [error, setError] = useState<Failure | null>(null);
    if (modelsDir == null)
        return null;

    async function change() {
        if (shell !== "desktop") {
            setTyping(true);
            return;
        }
        setError(failureIn(await changeModelsFolder()));
    }

    return (
        <div className="models-folder" role="group" aria-label={t("library.folder")}>
            <span className="models-folder__label">{t("library.folder")}</span>
            <code className="models-folder__path">{modelsDir}</code>
            <div className="models-folder__actions">
                {shell === "desktop" && <button type="button" className="button button--small" onClick={() => void openModelsFolder()}>{t("library.openFolder")}</button>}
                {!typing && <button type="button" className="button button--small" onClick={() => void change()}>{t("library.changeFolder")}</button>}
            </div>
            {typing && (
                <SubmitForm
                    label={t("library.newFolder")}
                    placeholder={t("library.newFolderPlaceholder")}
                    submitLabel={t("library.useFolder")}
                    pendingLabel={t("library.useFolder")}
                    initialValue={modelsDir}
                    action={async (folder) => {
                        const result = await changeModelsFolder(folder);
                        if (result.ok)
                            setTyping(false);
                        return result;
                    }}
                />
            )}
            {error != null && <p className="library__error" role="alert">{localizeError(error)}</p>}
        </div>
    );
}
