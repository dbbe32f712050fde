/**
 * Remote OpenAI-compatible engines replies can come from.
 * The requests' argument schemas (built with the zod the main side passes in, so this module loads
 * without it), their results, events and the values they carry; ../contract.ts joins every domain.
 */
import type {RequestSchemaBuilders} from "./RequestSchemaBuilders.ts";
import {everyName} from "./everyName.ts";
import type {Failure} from "./errors.ts";

export const enginesRequests = {
    "engines.list": ({z}) => z.undefined(),
    /** An OpenAI-compatible endpoint (vLLM, SGLang, llama.cpp's server, Ollama…); checked by listing its models. */
    "engines.add": ({z}) => z.strictObject({
        name: z.string().trim().max(100).optional(),
        baseUrl: z.string().trim().min(1).max(2000),
        apiKey: z.string().trim().max(4000).optional()
    }),
    "engines.remove": ({z, id}) => z.strictObject({engineId: id})
} satisfies RequestSchemaBuilders;

export interface EnginesResults {
    "engines.list": RemoteEngineInfo[];
    "engines.add": RemoteEngineInfo;
    "engines.remove": void;
}

export interface EnginesEvents {
    "engines.listChanged": RemoteEngineInfo[];
}

export const enginesEventNames = everyName<keyof EnginesEvents>()(["engines.listChanged"]);

/** An OpenAI-compatible engine the user added; its API key never comes back over the contract. */
export interface RemoteEngineInfo {
    id: string;
    name: string;
    /** Normalized, e.g. `http://gpu-box:8000/v1`. */
    baseUrl: string;
    hasKey: boolean;
    /** What the engine lists now; `id` is what `models.load` takes. Empty when it can't be reached. */
    models: Array<{id: string; name: string}>;
    /** Why its models could not be listed. */
    error?: Failure;
}
