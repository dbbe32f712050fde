import {PonderError} from "../../contract/errors.ts";

/** One entry of the hub's `GET /api/models/{owner}/{repo}/tree/{revision}` answer. */
export interface HubTreeEntry {
    type: "file" | "directory";
    path: string;
    size: number;
    /** Present for files stored with Git LFS (every GGUF); `oid` is the sha256 of the content. */
    lfs?: {oid: string; size: number};
}

/** The hub lists a big repository a page at a time; more pages than this is a loop, not a repository. */
const maxTreePages = 100;

/**
 * The Hugging Face hub (or a mirror) as Ponder reaches it: its address, and the user's optional
 * token, which is only ever sent to the hub's own origin (never to a CDN it redirects to, nor to
 * any other URL a user downloads from).
 */
export class HubAccess {
    readonly url: URL;
    readonly #token: () => string | null;

    constructor(hubUrl: string, token: () => string | null = () => null) {
        this.url = new URL(hubUrl.endsWith("/") ? hubUrl : hubUrl + "/");
        this.#token = token;
    }

    get host(): string {
        return this.url.host;
    }

    /** Where the hub serves a file of a repository (`…/resolve/main/…`). */
    fileUrl(owner: string, repo: string, filePath: string): URL {
        return new URL(`${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/resolve/main/${filePath.split("/").map(encodeURIComponent).join("/")}`, this.url);
    }

    /** The `Authorization` header for a request to `target`, if it goes to the hub and a token is set. */
    headersFor(target: string | URL): Record<string, string> {
        const token = this.#token();
        return token != null && new URL(target).origin === this.url.origin ? {authorization: `Bearer ${token}`} : {};
    }

    /**
     * A GET (or HEAD) to the hub that either answers 2xx or throws a {@link PonderError} saying why:
     * unreachable, rate-limited, a refused token, a gated repository; `repo` names what was asked
     * about in those messages, and `missing` words a 404.
     */
    async request(target: URL, {repo, missing, method = "GET", signal}: {repo?: string; missing: () => PonderError; method?: "GET" | "HEAD"; signal?: AbortSignal}): Promise<Response> {
        let response: Response;
        try {
            response = await fetch(target, {method, headers: this.headersFor(target), signal});
        } catch (error) {
            signal?.throwIfAborted();
            throw new PonderError("net.unreachable", {host: this.host, reason: causeOf(error)}, {cause: error});
        }
        if (response.ok)
            return response;
        void response.body?.cancel();
        if (response.status === 429)
            throw new PonderError("hub.rateLimited", {host: this.host});
        if ((response.status === 401 || response.status === 403) && repo != null && await this.#isGated(repo, signal))
            throw new PonderError("hub.gated", {repo, host: this.host});
        if (response.status === 401 && this.#token() != null)
            throw new PonderError("hub.tokenRefused", {host: this.host});
        if (response.status === 404 || response.status === 401)
            throw missing();
        throw new PonderError("hub.answered", {host: this.host, status: String(response.status), statusText: response.statusText, repo: repo ?? target.pathname});
    }

    /** Every entry of the repository's file tree, following the `Link: <…>; rel="next"` pages the hub answers with. */
    async tree(owner: string, repo: string, signal?: AbortSignal): Promise<HubTreeEntry[]> {
        const entries: HubTreeEntry[] = [];
        const name = `${owner}/${repo}`;
        let url: URL | undefined = new URL(`api/models/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/tree/main?recursive=true`, this.url);
        for (let page = 0; url != null; page++) {
            if (page === maxTreePages)
                throw new PonderError("hub.keepsPaging", {host: this.host, repo: name, pages: maxTreePages});
            const response: Response = await this.request(url, {signal, missing: () => new PonderError("hub.repoMissing", {repo: name, host: this.host})});
            entries.push(...await response.json() as HubTreeEntry[]);
            url = this.nextPageOf(response, url);
        }
        return entries;
    }

    /** The `rel="next"` target of a `Link` header, if it stays on the hub. */
    nextPageOf(response: Response, current: URL): URL | undefined {
        const link = response.headers.get("link");
        const target = link?.split(",").map((part) => /^\s*<([^>]*)>\s*;(.*)$/.exec(part)).find((match) => match != null && /\brel="?next"?/i.test(match[2]!))?.[1];
        if (target == null)
            return undefined;
        const next = new URL(target, current);
        return next.origin === this.url.origin ? next : undefined;
    }

    /** The hub answers 401 both for a missing repository and a gated one; its model info tells them apart. */
    async #isGated(repo: string, signal?: AbortSignal): Promise<boolean> {
        try {
            const response = await fetch(new URL(`api/models/${repo}?expand[]=gated`, this.url), {headers: this.headersFor(this.url), signal});
            if (!response.ok)
                return false;
            const {gated} = await response.json() as {gated?: unknown};
            return gated != null && gated !== false;
        } catch {
            return false;
        }
    }
}

/** Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND…) is its cause. */
function causeOf(error: unknown): string {
    const cause = (error as {cause?: {code?: string; message?: string}}).cause;
    return cause?.code ?? cause?.message ?? (error as Error).message;
}
