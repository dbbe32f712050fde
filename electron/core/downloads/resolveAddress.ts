import path from "node:path";
import type {CatalogEntry} from "../../contract.ts";
import {PonderError} from "../../contract/errors.ts";
import type {HubAccess, HubTreeEntry} from "../hub/HubAccess.ts";

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


const defaultQuantization = "Q4_K_M";
/** `-00001-of-00003.gguf`: one part of a split model. */
export const splitPart = /-(\d{5})-of-(\d{5})\.gguf$/i;

/**
 * Turns what a user typed or picked into the files to download, with their sizes and the
 * sha256 the hub publishes: a catalog id, `hf:owner/repo[:QUANT]`, `hf:owner/repo/path.gguf`,
 * a hub `…/resolve/main/…` URL, or any other GGUF URL.
 */
export async function resolveAddress(address: string, hub: HubAccess, catalog: readonly CatalogEntry[], signal?: AbortSignal): Promise<ResolvedModel> {
    const entry = catalog.find((candidate) => candidate.id === address);
    if (entry != null) {
        const resolved = await resolveAddress(entry.address, hub, [], signal);
        return {...resolved, title: `${entry.name} ${entry.quantization}`};
    }
    const uri = address.startsWith("hf:") ? address.slice(3).replace(/^\/+/, "") : hubPathOf(address, hub.url);
    if (uri == null)
        return resolveUrl(address, signal);

    const [owner, repoAndTag, ...rest] = uri.split("/");
    if (owner == null || owner === "" || repoAndTag == null || repoAndTag === "")
        throw new PonderError("address.invalid", {address});
    const [repo, tag] = rest.length > 0 ? [repoAndTag, undefined] : repoAndTag.split(":", 2) as [string, string | undefined];
    // Owner and repo become folder names: nothing that could climb out of the models folder.
    if (![owner, repo].every((name) => /^[\w.-]+$/.test(name) && !name.startsWith(".")))
        throw new PonderError("address.badRepoName", {repo: `${owner}/${repo}`});
    const tree = await hub.tree(owner, repo, signal);
    const ggufFiles = tree.filter((file) => file.type === "file" && file.path.toLowerCase().endsWith(".gguf"));

    let first: HubTreeEntry | undefined;
    if (rest.length > 0) {
        const filePath = rest.join("/");
        first = ggufFiles.find((file) => file.path === filePath);
        if (first == null)
            throw new PonderError("address.noSuchFile", {repo: `${owner}/${repo}`, file: filePath});
    } else {
        const quantization = (tag ?? defaultQuantization).toLowerCase();
        first = ggufFiles
            .filter((file) => path.posix.basename(file.path).toLowerCase().includes(quantization))
            .filter((file) => !splitPart.test(file.path) || Number(splitPart.exec(file.path)![1]) === 1)
            .sort((a, b) => a.path.localeCompare(b.path))[0];
        if (first == null)
            throw new PonderError("address.noSuchQuantization", {repo: `${owner}/${repo}`, quantization: quantization.toUpperCase()});
    }
    const parts = splitPartsOf(first, ggufFiles);
    if (parts.some((file) => path.posix.basename(file.path).startsWith(".")))
        throw new PonderError("address.unsafeFileName", {repo: `${owner}/${repo}`});
    const title = `${repo.replace(/-GGUF$/i, "")} ${tag?.toUpperCase() ?? path.posix.basename(first.path, ".gguf")}`;
    return {
        title,
        dir: `${owner}/${repo}`,
        files: parts.map((file) => ({
            name: path.posix.basename(file.path),
            url: hub.fileUrl(owner, repo, file.path).href,
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
        throw new PonderError("address.invalid", {address});
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
        throw new PonderError("address.httpOnly");
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
            throw new PonderError("address.partMissing", {part, count, file: path.posix.basename(first.path)});
        parts.push(file);
    }
    return parts;
}

/** Any other URL: its size from a HEAD request; there is no published sha256 to check. */
async function resolveUrl(address: string, signal?: AbortSignal): Promise<ResolvedModel> {
    const url = new URL(address);
    const name = path.basename(decodeURIComponent(path.posix.basename(url.pathname)));
    if (!name.toLowerCase().endsWith(".gguf") || name.startsWith("."))
        throw new PonderError("address.notGgufUrl");
    let response: Response;
    try {
        response = await fetch(url, {method: "HEAD", signal});
    } catch (error) {
        throw new PonderError("net.unreachable", {host: url.host, reason: (error as Error).message}, {cause: error});
    }
    const sizeBytes = Number(response.headers.get("content-length"));
    if (!response.ok || !Number.isFinite(sizeBytes) || sizeBytes <= 0)
        throw new PonderError("address.noSize", {host: url.host, status: String(response.status), statusText: response.statusText});
    return {title: name.replace(/\.gguf$/i, ""), dir: "downloads", files: [{name, url: url.href, sizeBytes, sha256: null}]};
}
