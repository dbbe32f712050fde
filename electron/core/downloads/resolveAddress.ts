import path from "node:path";
import type {CatalogEntry} from "../../contract.ts";

export interface ResolvedFile {
    name: string;
    url: string;
    sizeBytes: number;
    /** Hex; null when the source publishes none. */
    sha256: string | null;
}

export interface ResolvedModel {
    title: string;
    /** Folder under the models folder: `owner/repo` for the hub, `downloads` for plain URLs. */
    dir: string;
    /** In order: a split model's parts, first to last. */
    files: ResolvedFile[];
}

/** An address that names no model: a typo, a repo without that quantization, a file that isn't a GGUF. */
export class AddressError extends Error {
    override readonly name = "AddressError";
}

/** One entry of the hub's `GET /api/models/{owner}/{repo}/tree/{revision}` answer. */
interface HubTreeEntry {
    type: "file" | "directory";
    path: string;
    size: number;
    /** Present for files stored with Git LFS (every GGUF); `oid` is the sha256 of the content. */
    lfs?: {oid: string; size: number};
}

const defaultQuantization = "Q4_K_M";
const splitPart = /-(\d{5})-of-(\d{5})\.gguf$/i;

/**
 * Turns what a user typed or picked into the files to download, with their sizes and the
 * sha256 the hub publishes: a catalog id, `hf:owner/repo[:QUANT]`, `hf:owner/repo/path.gguf`,
 * a hub `…/resolve/main/…` URL, or any other GGUF URL.
 */
export async function resolveAddress(address: string, hubUrl: string, catalog: readonly CatalogEntry[], signal?: AbortSignal): Promise<ResolvedModel> {
    const entry = catalog.find((candidate) => candidate.id === address);
    if (entry != null) {
        const resolved = await resolveAddress(entry.address, hubUrl, [], signal);
        return {...resolved, title: `${entry.name} ${entry.quantization}`};
    }
    const hub = new URL(hubUrl.endsWith("/") ? hubUrl : hubUrl + "/");
    const uri = address.startsWith("hf:") ? address.slice(3).replace(/^\/+/, "") : hubPathOf(address, hub);
    if (uri == null)
        return resolveUrl(address, signal);

    const [owner, repoAndTag, ...rest] = uri.split("/");
    if (owner == null || owner === "" || repoAndTag == null || repoAndTag === "")
        throw new AddressError(`"${address}" is not a model address: use hf:owner/repo:QUANT, hf:owner/repo/file.gguf or a URL.`);
    const [repo, tag] = rest.length > 0 ? [repoAndTag, undefined] : repoAndTag.split(":", 2) as [string, string | undefined];
    // Owner and repo become folder names: nothing that could climb out of the models folder.
    if (![owner, repo].every((name) => /^[\w.-]+$/.test(name) && !name.startsWith(".")))
        throw new AddressError(`"${owner}/${repo}" is not a valid repository name.`);
    const tree = await fetchTree(hub, owner, repo, signal);
    const ggufFiles = tree.filter((file) => file.type === "file" && file.path.toLowerCase().endsWith(".gguf"));

    let first: HubTreeEntry | undefined;
    if (rest.length > 0) {
        const filePath = rest.join("/");
        first = ggufFiles.find((file) => file.path === filePath);
        if (first == null)
            throw new AddressError(`${owner}/${repo} has no GGUF file "${filePath}".`);
    } else {
        const quantization = (tag ?? defaultQuantization).toLowerCase();
        first = ggufFiles
            .filter((file) => path.posix.basename(file.path).toLowerCase().includes(quantization))
            .filter((file) => !splitPart.test(file.path) || Number(splitPart.exec(file.path)![1]) === 1)
            .sort((a, b) => a.path.localeCompare(b.path))[0];
        if (first == null)
            throw new AddressError(`${owner}/${repo} has no ${quantization.toUpperCase()} GGUF file.`);
    }
    const parts = splitPartsOf(first, ggufFiles);
    if (parts.some((file) => path.posix.basename(file.path).startsWith(".")))
        throw new AddressError(`${owner}/${repo} lists a file name Ponder won't write.`);
    const title = `${repo.replace(/-GGUF$/i, "")} ${tag?.toUpperCase() ?? path.posix.basename(first.path, ".gguf")}`;
    return {
        title,
        dir: `${owner}/${repo}`,
        files: parts.map((file) => ({
            name: path.posix.basename(file.path),
            url: new URL(`${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/resolve/main/${file.path.split("/").map(encodeURIComponent).join("/")}`, hub).href,
            sizeBytes: file.lfs?.size ?? file.size,
            sha256: file.lfs?.oid ?? null
        }))
    };
}

/** `https://hub/owner/repo/resolve/main/file.gguf` → `owner/repo/file.gguf`; undefined for other URLs. */
function hubPathOf(address: string, hub: URL) {
    let url: URL;
    try {
        url = new URL(address);
    } catch {
        throw new AddressError(`"${address}" is not a model address: use hf:owner/repo:QUANT, hf:owner/repo/file.gguf or a URL.`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
        throw new AddressError("Only http(s) URLs can be downloaded.");
    if (url.origin !== hub.origin)
        return undefined;
    const match = /^\/([^/]+)\/([^/]+)\/(?:resolve|blob)\/main\/(.+)$/.exec(url.pathname);
    return match == null ? undefined : `${match[1]}/${match[2]}/${decodeURIComponent(match[3]!)}`;
}

/** A split GGUF is downloaded whole: every `-0000k-of-0000n` part, in order. */
function splitPartsOf(first: HubTreeEntry, files: readonly HubTreeEntry[]) {
    const match = splitPart.exec(first.path);
    if (match == null)
        return [first];
    const count = Number(match[2]);
    const parts: HubTreeEntry[] = [];
    for (let part = 1; part <= count; part++) {
        const partPath = first.path.replace(splitPart, `-${String(part).padStart(5, "0")}-of-${match[2]}.gguf`);
        const file = files.find((candidate) => candidate.path === partPath);
        if (file == null)
            throw new AddressError(`Part ${part} of ${count} of ${path.posix.basename(first.path)} is missing from the hub.`);
        parts.push(file);
    }
    return parts;
}

/** The hub lists a big repository a page at a time; more pages than this is a loop, not a repository. */
const maxTreePages = 100;

/** Every entry of the repository's file tree, following the `Link: <…>; rel="next"` pages the hub answers with. */
async function fetchTree(hub: URL, owner: string, repo: string, signal?: AbortSignal): Promise<HubTreeEntry[]> {
    const entries: HubTreeEntry[] = [];
    let url: URL | undefined = new URL(`api/models/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/tree/main?recursive=true`, hub);
    for (let page = 0; url != null; page++) {
        if (page === maxTreePages)
            throw new AddressError(`${hub.host} kept paging when listing ${owner}/${repo}; it lists more than ${maxTreePages} pages.`);
        let response: Response;
        try {
            response = await fetch(url, {signal});
        } catch (error) {
            throw new AddressError(`Could not reach ${hub.host}: ${(error as Error).message}`);
        }
        if (response.status === 404 || response.status === 401)
            throw new AddressError(`${owner}/${repo} does not exist on ${hub.host} (or is private).`);
        if (!response.ok)
            throw new AddressError(`${hub.host} answered ${response.status} ${response.statusText} when listing ${owner}/${repo}.`);
        entries.push(...await response.json() as HubTreeEntry[]);
        url = nextPageOf(response, url, hub);
    }
    return entries;
}

/** The `rel="next"` target of a `Link` header, if it stays on the hub. */
function nextPageOf(response: Response, current: URL, hub: URL): URL | undefined {
    const link = response.headers.get("link");
    const target = link?.split(",").map((part) => /^\s*<([^>]*)>\s*;(.*)$/.exec(part)).find((match) => match != null && /\brel="?next"?/i.test(match[2]!))?.[1];
    if (target == null)
        return undefined;
    const next = new URL(target, current);
    return next.origin === hub.origin ? next : undefined;
}

/** Any other URL: its size from a HEAD request; there is no published sha256 to check. */
async function resolveUrl(address: string, signal?: AbortSignal): Promise<ResolvedModel> {
    const url = new URL(address);
    const name = path.basename(decodeURIComponent(path.posix.basename(url.pathname)));
    if (!name.toLowerCase().endsWith(".gguf") || name.startsWith("."))
        throw new AddressError("That URL does not point at a .gguf file.");
    let response: Response;
    try {
        response = await fetch(url, {method: "HEAD", signal});
    } catch (error) {
        throw new AddressError(`Could not reach ${url.host}: ${(error as Error).message}`);
    }
    const sizeBytes = Number(response.headers.get("content-length"));
    if (!response.ok || !Number.isFinite(sizeBytes) || sizeBytes <= 0)
        throw new AddressError(`${url.host} answered ${response.status} ${response.statusText} without the file's size.`);
    return {title: name.replace(/\.gguf$/i, ""), dir: "downloads", files: [{name, url: url.href, sizeBytes, sha256: null}]};
}
