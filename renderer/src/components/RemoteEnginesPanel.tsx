import {useEffect, useState, type FormEvent} from "react";
import {useTranslation} from "react-i18next";
import type {RemoteEngineInfo, RuntimeState} from "../../../electron/contract";
import {usePonder} from "../store/PonderStoreContext";
import {failureIn} from "../store/requestAction";
import {localizeError, type Failure} from "../i18n/localizeError";

/**
 * OpenAI-compatible engines (vLLM, SGLang, llama.cpp's server, Ollama) for models too big for
 * this machine: add one by address and key, then load any of its models like a local file.
 */
export function RemoteEnginesPanel() {
    const {t} = useTranslation();
    const engines = usePonder((state) => state.engines);
    const connection = usePonder((state) => state.connection);
    const loadEngines = usePonder((state) => state.loadEngines);
    const runtime = usePonder((state) => state.runtime);

    // Listed afresh on every (re)connect: the engines' model lists may have changed meanwhile.
    useEffect(() => {
        if (connection === "connected")
            void loadEngines();
    }, [connection, loadEngines]);

    return (
        <div className="engines">
            <p className="settings-view__intro">{t("engines.intro")}</p>
            <AddEngineForm />
            {engines != null && engines.length > 0 && (
                <ul className="models__list" aria-label={t("engines.heading")}>
                    {engines.map((engine) => <EngineItem key={engine.id} engine={engine} runtime={runtime} />)}
                </ul>
            )}
        </div>
    );
}

function AddEngineForm() {
    const {t} = useTranslation();
    const addEngine = usePonder((state) => state.addEngine);
    const [baseUrl, setBaseUrl] = useState("");
    const [apiKey, setApiKey] = useState("");
    const [pending, setPending] = useState(false);
    const [error, setError] = useState<Failure | null>(null);

    async function submit(event: FormEvent) {
        event.preventDefault();
        setPending(true);
        const result = await addEngine({baseUrl, apiKey: apiKey === "" ? undefined : apiKey});
        setPending(false);
        setError(failureIn(result));
        if (result.ok) {
            setBaseUrl("");
            setApiKey("");
        }
    }

    return (
        <form className="engines__form" onSubmit={(event) => void submit(event)}>
            <label className="engines__label">
                {t("engines.address")}
                <input className="engines__input" type="text" required placeholder="localhost:11434" value={baseUrl} onChange={(event) => setBaseUrl(event.target.value)} />
            </label>
            <label className="engines__label">
                {t("engines.apiKey")}
                <input className="engines__input" type="password" autoComplete="off" placeholder={t("engines.apiKeyPlaceholder")} value={apiKey} onChange={(event) => setApiKey(event.target.value)} />
            </label>
            <button type="submit" className="button button--small" disabled={pending || baseUrl.trim() === ""}>
                {pending ? t("engines.checking") : t("engines.add")}
            </button>
            {error != null && <p className="model__error" role="alert">{localizeError(error)}</p>}
        </form>
    );
}

function EngineItem({engine, runtime}: {engine: RemoteEngineInfo; runtime: RuntimeState}) {
    const {t} = useTranslation();
    const removeEngine = usePonder((state) => state.removeEngine);
    const loadModel = usePonder((state) => state.loadModel);
    const pending = usePonder((state) => state.modelRequestPending);

    return (
        <li className="engine" aria-label={engine.name}>
            <div className="model">
                <div className="model__text">
                    <span className="model__name">{engine.name}</span>
                    <span className="model__details">{engine.baseUrl}{engine.hasKey ? ` · ${t("engines.keyStored")}` : ""}</span>
                    {engine.error != null && <span className="model__error">{localizeError(engine.error)}</span>}
                </div>
                <button type="button" className="button button--small" aria-label={t("engines.remove", {name: engine.name})} onClick={() => void removeEngine(engine.id)}>
                    {t("engines.removeShort")}
                </button>
            </div>
            <ul className="models__list engine__models" aria-label={t("engines.models", {name: engine.name})}>
                {engine.models.map((model) => (
                    <li key={model.id} className="model">
                        <span className="model__name">{model.name}</span>
                        {runtime.modelId === model.id && runtime.status === "ready"
                            ? <span className="model__badge">{t("models.loaded")}</span>
                            : (
                                <button type="button" className="button button--small" disabled={pending || runtime.status === "loading"} onClick={() => void loadModel(model.id)}>
                                    {t("models.load")}
                                </button>
                            )}
                    </li>
                ))}
            </ul>
        </li>
    );
}
