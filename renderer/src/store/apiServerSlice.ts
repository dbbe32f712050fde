import type {StateCreator} from "zustand/vanilla";
import type {ApiServerState, PonderApi, RequestArgs} from "../../../electron/contract";
import type {PonderState} from "./createPonderStore";
import type {ActionResult} from "./requestAction";
import {updateField} from "./updateField";

export interface ApiServerSlice {
    /** The OpenAI-compatible API server's state; null until first loaded. */
    apiServer: ApiServerState | null;
    setApiServer(state: ApiServerState): void;
    loadApiServer(): Promise<ActionResult<ApiServerState>>;
    configureApiServer(changes: RequestArgs<"api.configure">): Promise<ActionResult<ApiServerState>>;
    rotateApiKey(): Promise<ActionResult<ApiServerState>>;
}

export const createApiServerSlice = (api: PonderApi): StateCreator<PonderState, [], [], ApiServerSlice> => (set, get) => {
    const update = updateField(get, set, "apiServer");

    return {
        apiServer: null,
        setApiServer(state) {
            set({apiServer: state});
        },
        loadApiServer: () => update(() => api.api.getState()),
        configureApiServer: (changes) => update(() => api.api.configure(changes)),
        rotateApiKey: () => update(() => api.api.rotateKey())
    };
};

/** A request other apps can copy to try the API: curl, with the key and the loaded model. */
export function apiExample(url: string, apiKey: string, modelId: string, modelName?: string): string {
    const body = JSON.stringify({model: modelId, messages: [{role: "user", content: "Hello!"}], stream: true});
    return [
        // The model by the name people know it by; `model` is the short id the API matches.
        ...(modelName == null || modelName === modelId ? [] : [`# ${modelName.replaceAll("\n", " ")}`]),
        `curl ${url}/chat/completions \\`,
        `  -H "Authorization: Bearer ${apiKey}" \\`,
        `  -H "Content-Type: application/json" \\`,
        `  -d '${body.replaceAll("'", "'\\''")}'`
    ].join("\n");
}
