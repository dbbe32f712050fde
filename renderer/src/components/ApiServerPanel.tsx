import {useEffect, useState} from "react";
import {useTranslation} from "react-i18next";
import type {ApiServerState} from "../../../electron/contract";
import {apiExample} from "../store/apiServerSlice";
import {useClipboardCopy} from "../hooks/useClipboardCopy";
import {usePonder} from "../store/PonderStoreContext";
import {loadedApiModel} from "../store/runtimeSelectors";
import {localizeError} from "../i18n/localizeError";

/**
 * The OpenAI-compatible API other apps on this machine use: its switch (desktop), address, key
 * and a request to copy. In `serve` it is always on, on the page's own port.
 */
export function ApiServerPanel() {
    const {t} = useTranslation();
    const apiServer = usePonder((state) => state.apiServer);
    const connection = usePonder((state) => state.connection);
    const loadApiServer = usePonder((state) => state.loadApiServer);

    useEffect(() => {
        if (connection === "connected")
            void loadApiServer();
    }, [connection, loadApiServer]);

    return (
        <div className="engines">
            <p className="settings-view__intro">{t("api.intro")}</p>
            {apiServer != null && (apiServer.mode === "desktop" ? <DesktopSwitches state={apiServer} /> : <p className="model__details">{t("api.serveNote")}</p>)}
            {apiServer?.error != null && <p className="model__error" role="alert">{localizeError(apiServer.error)}</p>}
            {apiServer?.url != null && <Usage state={apiServer} url={apiServer.url} />}
        </div>
    );
}

function DesktopSwitches({state}: {state: ApiServerState}) {
    const {t} = useTranslation();
    const configure = usePonder((store) => store.configureApiServer);
    const [port, setPort] = useState(String(state.port));
    useEffect(() => setPort(String(state.port)), [state.port]);

    function applyPort() {
        const value = Number(port);
        if (Number.isInteger(value) && value >= 1 && value <= 65535 && value !== state.port)
            void configure({port: value});
        else
            setPort(String(state.port));
    }

    return (
        <div className="engines__form">
            <label className="engines__check">
                <input type="checkbox" checked={state.enabled} onChange={(event) => void configure({enabled: event.target.checked})} />
                {t("api.enabled")}
            </label>
            <label className="engines__check">
                <input type="checkbox" checked={state.allowNetwork} onChange={(event) => void configure({allowNetwork: event.target.checked})} />
                {t("api.allowNetwork")}
            </label>
            <label className="engines__label">
                {t("api.port")}
                <input className="engines__input" type="number" min={1} max={65535} value={port}
                    onChange={(event) => setPort(event.target.value)} onBlur={applyPort}
                    onKeyDown={(event) => event.key === "Enter" && applyPort()} />
            </label>
        </div>
    );
}

function Usage({state, url}: {state: ApiServerState; url: string}) {
    const {t} = useTranslation();
    const model = usePonder(loadedApiModel);
    const rotateApiKey = usePonder((store) => store.rotateApiKey);
    const [copied, copy] = useClipboardCopy();
    const example = apiExample(url, state.apiKey, model?.id ?? t("api.modelPlaceholder"), model?.name);

    return (
        <div className="engines__form">
            <label className="engines__label">
                {t("api.address")}
                <input className="engines__input" readOnly value={url} onFocus={(event) => event.target.select()} />
            </label>
            <label className="engines__label">
                {t("api.key")}
                <input className="engines__input" readOnly value={state.apiKey} onFocus={(event) => event.target.select()} />
            </label>
            {state.mode === "desktop" && (
                <button type="button" className="button button--small" onClick={() => void rotateApiKey()}>{t("api.rotateKey")}</button>
            )}
            <pre className="api__example" aria-label={t("api.example")}>{example}</pre>
            <button type="button" className="button button--small" onClick={() => void copy(example, true)}>
                {copied ? t("api.copied") : t("api.copyExample")}
            </button>
        </div>
    );
}
