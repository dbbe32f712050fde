import type {StateCreator} from "zustand/vanilla";
import type {HubModel, HubRepository, HubSettings, PonderApi} from "../../../electron/contract";
import type {PonderState} from "./createPonderStore";
import type {Failure} from "../i18n/localizeError";
import {requestAction} from "./requestAction";
import type {ActionResult} from "./requestAction";
import {updateField} from "./updateField";

export type HubSort = "downloads" | "recent";

/** The Models view's search of the hub: the results so far and whether more are coming. */
export interface HubSearchState {
    query: string;
    sort: HubSort;
    models: readonly HubModel[];
    /** Asks the hub for the page after these results; null at the end. */
    next: string | null;
    status: "idle" | "searching" | "done" | "error";
    error: Failure | null;
}

/** The repository page open in the Models view. */
export type HubRepositoryState =
    | {repo: string; status: "loading"}
    | {repo: string; status: "done"; repository: HubRepository}
    | {repo: string; status: "error"; error: Failure};

export interface HubSlice {
    hubSearch: HubSearchState;
    hubRepository: HubRepositoryState | null;
    hubSettings: HubSettings | null;
    /** A new search (a new query or sort) replaces the results. */
    searchHub(query: string, sort: HubSort): Promise<void>;
    showMoreHubResults(): Promise<void>;
    /** Opens a repository's page and checks every quantization's fit. */
    openHubRepository(repo: string): Promise<void>;
    closeHubRepository(): void;
    loadHubSettings(): Promise<ActionResult<HubSettings>>;
    /** Null removes the token. The failure is shown beside the field, not as a notice. */
    setHubToken(token: string | null): Promise<ActionResult<HubSettings>>;
}

const idleSearch: HubSearchState = {query: "", sort: "downloads", models: [], next: null, status: "idle", error: null};


export const createHubSlice = (api: PonderApi): StateCreator<PonderState, [], [], HubSlice> => (set, get) => {
    // Only the latest search's answer is shown: typing on while an older one is in flight must not bring it back.
    let searchNumber = 0;

    async function fetchPage(search: HubSearchState, cursor: string | undefined) {
        const number = ++searchNumber;
        set({hubSearch: {...search, status: "searching", error: null}});
        const result = await requestAction(null, () => api.hub.search({query: search.query, sort: search.sort, cursor}));
        if (number !== searchNumber)
            return;
        set({hubSearch: result.ok
            ? {...search, models: [...search.models, ...result.value.models], next: result.value.next, status: "done", error: null}
            : {...search, status: "error", error: result.failure}});
    }

    return {
        hubSearch: idleSearch,
        hubRepository: null,
        hubSettings: null,
        searchHub(query, sort) {
            if (query.trim() === "") {
                searchNumber++;
                set({hubSearch: {...idleSearch, sort}});
                return Promise.resolve();
            }
            return fetchPage({...idleSearch, query: query.trim(), sort}, undefined);
        },
        showMoreHubResults() {
            const search = get().hubSearch;
            return search.next == null || search.status === "searching" ? Promise.resolve() : fetchPage(search, search.next);
        },
        async openHubRepository(repo) {
            set({hubRepository: {repo, status: "loading"}});
            const result = await requestAction(null, () => api.hub.repository({repo}));
            const next: HubRepositoryState = result.ok ? {repo, status: "done", repository: result.value} : {repo, status: "error", error: result.failure};
            if (get().hubRepository?.repo !== repo)
                return;
            set({hubRepository: next});
            if (next.status === "done")
                await Promise.all(next.repository.quantizations.map((quantization) => get().estimateFit(quantization.address, {address: quantization.address})));
        },
        closeHubRepository() {
            set({hubRepository: null});
        },
        loadHubSettings() {
            return updateField(get, set, "hubSettings")(() => api.hub.getSettings());
        },
        async setHubToken(token) {
            const result = await requestAction(null, () => api.hub.setToken({token}));
            if (result.ok)
                set({hubSettings: result.value});
            return result;
        }
    };
};
