import {useId, useState, type FormEvent} from "react";
import {useTranslation} from "react-i18next";
import type {HubModel, HubQuantization, HubRepository} from "../../../electron/contract";
import {formatBytes} from "../../../electron/contract/errors";
import {localizeError, type Failure} from "../i18n/localizeError";
import type {HubSort} from "../store/hubSlice";
import {usePonder} from "../store/PonderStoreContext";
import {failureIn} from "../store/requestAction";
import {FitLabel} from "./FitLabel";

/** "Search the hub": GGUF models by name, and a repository's files by quantization, each checked for fit and downloadable. */
export function HubSearch() {
    const {t} = useTranslation();
    const headingId = useId();
    const repository = usePonder((state) => state.hubRepository);
    return (
        <section aria-labelledby={headingId}>
            <h2 className="library__heading" id={headingId}>{t("hub.heading")}</h2>
            <SearchForm />
            {repository == null ? <Results /> : <RepositoryPage />}
            <TokenForm />
        </section>
    );
}

function SearchForm() {
    const {t} = useTranslation();
    const search = usePonder((state) => state.hubSearch);
    const searchHub = usePonder((state) => state.searchHub);
    const closeHubRepository = usePonder((state) => state.closeHubRepository);
    const [query, setQuery] = useState(search.query);

    function submit(event: FormEvent) {
        event.preventDefault();
        closeHubRepository();
        void searchHub(query, search.sort);
    }

    return (
        <form className="library__form" role="search" onSubmit={submit}>
            <label className="library__label">
                {t("hub.search")}
                <input className="library__input" type="search" placeholder={t("hub.placeholder")} value={query} onChange={(event) => setQuery(event.target.value)} />
            </label>
            <label className="library__label library__label--narrow">
                {t("hub.sort")}
                <select className="library__input" value={search.sort} onChange={(event) => {
                    closeHubRepository();
                    void searchHub(query, event.target.value as HubSort);
                }}>
                    <option value="downloads">{t("hub.sortDownloads")}</option>
                    <option value="recent">{t("hub.sortRecent")}</option>
                </select>
            </label>
            <button type="submit" className="button button--small" disabled={query.trim() === ""}>{t("hub.searchButton")}</button>
        </form>
    );
}

function Results() {
    const {t} = useTranslation();
    const search = usePonder((state) => state.hubSearch);
    const showMore = usePonder((state) => state.showMoreHubResults);
    if (search.status === "idle")
        return null;
    return (
        <>
            {search.models.length > 0 && (
                <ul className="library__list" aria-label={t("hub.results", {query: search.query})}>
                    {search.models.map((model) => <ResultItem key={model.id} model={model} />)}
                </ul>
            )}
            {search.status === "searching" && <p className="library__none" role="status">{t("hub.searching")}</p>}
            {search.status === "done" && search.models.length === 0 && <p className="library__none" role="status">{t("hub.noResults", {query: search.query})}</p>}
            {search.status === "error" && search.error != null && <p className="library__error" role="alert">{localizeError(search.error)}</p>}
            {search.next != null && search.status !== "searching" && (
                <button type="button" className="button button--small" onClick={() => void showMore()}>{t("hub.showMore")}</button>
            )}
        </>
    );
}

function ResultItem({model}: {model: HubModel}) {
    const openHubRepository = usePonder((state) => state.openHubRepository);
    return (
        <li className="catalog-entry" aria-label={model.id}>
            <div className="catalog-entry__text">
                <button type="button" className="hub__open" onClick={() => void openHubRepository(model.id)}>{model.id}</button>
                <ModelFacts model={model} />
            </div>
        </li>
    );
}

/** Author, downloads, likes, last update and licence, with "Reasons" and "Gated" badges. */
function ModelFacts({model}: {model: HubModel}) {
    const {t, i18n} = useTranslation();
    const number = new Intl.NumberFormat(i18n.language);
    const facts = [
        t("hub.author", {author: model.author}),
        t("hub.downloads", {count: model.downloads, formatted: number.format(model.downloads)}),
        t("hub.likes", {count: model.likes, formatted: number.format(model.likes)}),
        model.lastModified == null ? null : t("hub.updated", {date: new Intl.DateTimeFormat(i18n.language, {dateStyle: "medium"}).format(model.lastModified)}),
        model.licence == null ? t("hub.noLicence") : t("hub.licence", {licence: model.licence})
    ].filter((fact) => fact != null);
    return (
        <span className="model__details">
            {facts.join(" · ")}
            {model.reasons && <span className="model__badge">{t("hub.reasons")}</span>}
            {model.gated && <span className="model__badge">{t("hub.gated")}</span>}
        </span>
    );
}

function RepositoryPage() {
    const {t} = useTranslation();
    const headingId = useId();
    const state = usePonder((store) => store.hubRepository)!;
    const close = usePonder((store) => store.closeHubRepository);
    return (
        <article className="hub__repository" aria-labelledby={headingId}>
            <div className="library__form">
                <h3 className="hub__title" id={headingId}>{state.repo}</h3>
                <button type="button" className="button button--small" onClick={close}>{t("hub.back")}</button>
            </div>
            {state.status === "loading" && <p className="library__none" role="status">{t("hub.opening", {repo: state.repo})}</p>}
            {state.status === "error" && <p className="library__error" role="alert">{localizeError(state.error)}</p>}
            {state.status === "done" && <RepositoryFiles repository={state.repository} />}
        </article>
    );
}

function RepositoryFiles({repository}: {repository: HubRepository}) {
    const {t} = useTranslation();
    return (
        <>
            <ModelFacts model={repository} />
            {repository.gated && <p className="library__hint" role="note">{t("hub.gatedNotice")}</p>}
            {repository.quantizations.length === 0
                ? <p className="library__none">{t("hub.noFiles")}</p>
                : (
                    <ul className="library__list" aria-label={t("hub.files")}>
                        {repository.quantizations.map((quantization) => <QuantizationItem key={quantization.address} quantization={quantization} />)}
                    </ul>
                )}
        </>
    );
}

function QuantizationItem({quantization}: {quantization: HubQuantization}) {
    const {t, i18n} = useTranslation();
    const fit = usePonder((state) => state.fits[quantization.address]);
    const addDownload = usePonder((state) => state.addDownload);
    const [pending, setPending] = useState(false);
    const [error, setError] = useState<Failure | null>(null);

    async function download() {
        setPending(true);
        setError(failureIn(await addDownload(quantization.address)));
        setPending(false);
    }

    return (
        <li className="catalog-entry" aria-label={quantization.quantization}>
            <div className="catalog-entry__text">
                <span className="model__name">{quantization.quantization}</span>
                <span className="model__details">
                    {[
                        quantization.fileName,
                        formatBytes(quantization.sizeBytes, i18n.language),
                        quantization.parts > 1 ? t("hub.parts", {count: quantization.parts}) : null
                    ].filter((detail) => detail != null).join(" · ")}
                </span>
                <FitLabel state={fit} />
                {error != null && <p className="library__error" role="alert">{localizeError(error)}</p>}
            </div>
            <div className="download__actions">
                <button type="button" className="button button--small button--primary" disabled={pending} onClick={() => void download()}>{t("library.download")}</button>
            </div>
        </li>
    );
}

/** The optional Hugging Face token, for gated repositories; the window only learns whether one is saved. */
function TokenForm() {
    const {t} = useTranslation();
    const settings = usePonder((state) => state.hubSettings);
    const setHubToken = usePonder((state) => state.setHubToken);
    const [token, setToken] = useState("");
    const [error, setError] = useState<Failure | null>(null);
    if (settings == null)
        return null;

    async function save(value: string | null) {
        const result = await setHubToken(value);
        setError(failureIn(result));
        if (result.ok)
            setToken("");
    }

    return (
        <form className="library__form" onSubmit={(event) => {
            event.preventDefault();
            void save(token.trim());
        }}>
            <label className="library__label">
                {t("hub.token")}
                <input className="library__input" type="password" autoComplete="off" placeholder="hf_…" value={token} onChange={(event) => setToken(event.target.value)} />
            </label>
            <button type="submit" className="button button--small" disabled={token.trim() === ""}>{t("hub.saveToken")}</button>
            {settings.hasToken && <button type="button" className="button button--small" onClick={() => void save(null)}>{t("hub.removeToken")}</button>}
            <p className="library__hint">
                {settings.hasToken ? t(`hub.tokenSaved.${settings.protection}`) : t("hub.tokenHint", {host: new URL(settings.url).host})}
            </p>
            {error != null && <p className="library__error" role="alert">{localizeError(error)}</p>}
        </form>
    );
}
