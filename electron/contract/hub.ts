/**
 * The model hub (Hugging Face or a mirror): search, repository pages, the token.
 * The requests' argument schemas (built with the zod the main side passes in, so this module loads
 * without it), their results, events and the values they carry; ../contract.ts joins every domain.
 */
import type {RequestSchemaBuilders} from "./RequestSchemaBuilders.ts";

export const hubRequests = {
    /** GGUF models on the hub whose name contains the query, a page at a time. */
    "hub.search": ({z}) => z.strictObject({
        query: z.string().trim().min(1).max(200),
        sort: z.enum(["downloads", "recent"]),
        /** The previous page's `next`. */
        cursor: z.string().min(1).max(2000).optional()
    }),
    /** A repository's page: its facts and GGUF files by quantization. */
    "hub.repository": ({z}) => z.strictObject({repo: z.string().max(200).regex(/^[\w.-]+\/[\w.-]+$/)}),
    "hub.getSettings": ({z}) => z.undefined(),
    /** A Hugging Face token for gated repositories, sealed like the remote engines' keys; null removes it. */
    "hub.setToken": ({z}) => z.strictObject({token: z.string().trim().min(1).max(1000).regex(/^[\x21-\x7e]+$/).nullable()})
} satisfies RequestSchemaBuilders;

export interface HubResults {
    "hub.search": HubSearchPage;
    "hub.repository": HubRepository;
    "hub.getSettings": HubSettings;
    "hub.setToken": HubSettings;
}

/** A GGUF model repository on the hub, as its search lists it. */
export interface HubModel {
    /** `owner/repo`. */
    id: string;
    author: string;
    downloads: number;
    likes: number;
    /** Epoch ms; null when the hub doesn't say. */
    lastModified: number | null;
    /** The `license:` tag (`apache-2.0`, `mit`, `other`…); null when none. */
    licence: string | null;
    /** Its chat template has it think in `<think>`, or its tags say it reasons. */
    reasons: boolean;
    /** Its licence must be accepted on the hub before the files can be downloaded (with a token). */
    gated: boolean;
}

/** A page of `hub.search`; `next` asks for the following one, null at the end. */
export interface HubSearchPage {
    models: HubModel[];
    next: string | null;
}

/** One downloadable GGUF model of a repository; a split model's parts are one entry. */
export interface HubQuantization {
    /** `Q4_K_M`, `IQ3_XXS`, `BF16`…, or the file's name when it names none. */
    quantization: string;
    /** The file's name, without the `-00001-of-0000n` of a split model. */
    fileName: string;
    parts: number;
    /** All parts together. */
    sizeBytes: number;
    /** `hf:owner/repo/file.gguf` (the first part): what `downloads.add` and `models.estimateFit` take. */
    address: string;
}

export interface HubRepository extends HubModel {
    /** Smallest first. */
    quantizations: HubQuantization[];
}

export interface HubSettings {
    /** The hub (or mirror) Ponder searches and downloads from. */
    url: string;
    hasToken: boolean;
    /** How the token is kept: the OS keychain (desktop app) or a key file in the data folder (`serve`). */
    protection: "os-keychain" | "key-file";
}
