import {PonderError} from "../../contract/errors.ts";
import path from "node:path";
import type {DomainHandlers, HubModel, HubQuantization, HubRepository, HubSearchPage, HubSettings} from "../../contract.ts";
import {splitPart} from "../downloads/resolveAddress.ts";
import type {HubAccess, HubTreeEntry} from "./HubAccess.ts";
import type {HubTokenStore} from "./HubTokenStore.ts";

/** One model of the hub's `GET /api/models` answer, with the fields {@link expand} asks for. */
interface HubModelInfo {
    id: string;
    author?: string;
    downloads?: number;
    likes?: number;
    lastModified?: string;
    tags?: string[];
    /** `"auto"` or `"manual"` when the licence must be accepted before the files can be read. */
    gated?: false | string;
    gguf?: {chat_template?: string};
}

const pageSize = 20;
const expand = ["author", "downloads", "likes", "lastModified", "tags", "gated", "gguf"];
/** Tags model authors use for models that think before they answer. */
const reasoningTags = new Set(["reasoning", "thinking", "chain-of-thought"]);
/** A quantization in a GGUF file name: Q4_K_M, IQ3_XXS, Q8_0, F16, BF16, MXFP4… */
const quantizationName = /(?:^|[-_.])(I?Q\d+(?:_[A-Z0-9]+)*|B?F16|F32|MXFP4(?:_MOE)?|TQ\d_\d)(?=$|[-_.])/gi;

/**
 * Finds GGUF models on the hub by name (its model search API, filtered to GGUF) and lists a
 * repository's GGUF files by quantization, a split model as one, ready for the download manager.
 */
export class HubDiscovery {
    readonly #hub: HubAccess;

    constructor(hub: HubAccess) {
        this.#hub = hub;
    }

    /** The `hub` requests; the optional token is kept by `token` and sent only to this hub. */
    handlers(token: HubTokenStore): DomainHandlers<"hub"> {
        const settings = (): HubSettings => ({url: this.#hub.url.href, hasToken: token.token() != null, protection: token.protection});
        return {
            search: (query) => this.search(query),
            repository: ({repo}) => this.repository(repo),
            getSettings: async () => settings(),
            setToken: async ({token: value}) => {
                token.set(value);
                return settings();
            }
        };
    }

    async search({query, sort, cursor}: {query: string; sort: "downloads" | "recent"; cursor?: string}): Promise<HubSearchPage> {
        const url = new URL("api/models", this.#hub.url);
        url.searchParams.set("search", query);
        url.searchParams.set("filter", "gguf");
        url.searchParams.set("sort", sort === "downloads" ? "downloads" : "lastModified");
        url.searchParams.set("direction", "-1");
        url.searchParams.set("limit", String(pageSize));
        for (const field of expand)
            url.searchParams.append("expand[]", field);
        if (cursor != null)
            url.searchParams.set("cursor", cursor);
        const response = await this.#hub.request(url, {missing: () => new PonderError("hub.noSearch", {host: this.#hub.host})});
        const models = (await response.json() as HubModelInfo[]).map(describe);
        return {models, next: this.#hub.nextPageOf(response, url)?.searchParams.get("cursor") ?? null};
    }

    /** The repository's facts and its GGUF files, one entry per quantization file (all parts of a split one), smallest first. */
    async repository(repo: string): Promise<HubRepository> {
        const [owner, name] = repo.split("/") as [string, string];
        const missing = () => new PonderError("hub.repoMissing", {repo, host: this.#hub.host});
        const url = new URL(`api/models/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`, this.#hub.url);
        for (const field of expand)
            url.searchParams.append("expand[]", field);
        const [info, tree] = await Promise.all([
            this.#hub.request(url, {missing}).then(async (response) => await response.json() as HubModelInfo),
            this.#hub.tree(owner, name)
        ]);
        return {...describe(info), quantizations: quantizationsOf(repo, tree)};
    }
}

function describe(info: HubModelInfo): HubModel {
    const tags = info.tags ?? [];
    const lastModified = info.lastModified == null ? NaN : Date.parse(info.lastModified);
    return {
        id: info.id,
        author: info.author ?? info.id.split("/")[0]!,
        downloads: info.downloads ?? 0,
        likes: info.likes ?? 0,
        lastModified: Number.isFinite(lastModified) ? lastModified : null,
        licence: tags.find((tag) => tag.startsWith("license:"))?.slice("license:".length) ?? null,
        reasons: info.gguf?.chat_template?.includes("<think>") === true || tags.some((tag) => reasoningTags.has(tag.toLowerCase())),
        gated: info.gated != null && info.gated !== false
    };
}

/** GGUF model files grouped so that a split model's parts are one entry; vision projectors (mmproj) are not models to load. */
function quantizationsOf(repo: string, tree: readonly HubTreeEntry[]): HubQuantization[] {
    const models = new Map<string, {first: string; parts: HubTreeEntry[]}>();
    for (const file of tree) {
        if (file.type !== "file" || !file.path.toLowerCase().endsWith(".gguf") || /mmproj/i.test(file.path))
            continue;
        const key = file.path.replace(splitPart, ".gguf");
        const model = models.get(key) ?? {first: file.path, parts: []};
        model.parts.push(file);
        if (file.path < model.first)
            model.first = file.path;
        models.set(key, model);
    }
    return [...models].map(([key, {first, parts}]) => ({
        quantization: quantizationOf(key),
        fileName: path.posix.basename(key),
        parts: parts.length,
        sizeBytes: parts.reduce((total, part) => total + (part.lfs?.size ?? part.size), 0),
        address: `hf:${repo}/${first}`
    })).sort((a, b) => a.sizeBytes - b.sizeBytes || a.fileName.localeCompare(b.fileName));
}

/** The last quantization named in the file's path (`…-Q4_K_M.gguf`, or a `Q4_K_M/` folder); its name when none is. */
function quantizationOf(filePath: string): string {
    const stem = filePath.replace(/\.gguf$/i, "");
    const found = [...stem.matchAll(quantizationName)].at(-1)?.[1];
    return found?.toUpperCase() ?? path.posix.basename(stem);
}
