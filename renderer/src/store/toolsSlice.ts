import type {StateCreator} from "zustand/vanilla";
import type {PonderApi, RequestArgs, ToolsView} from "../../../electron/contract";
import type {PonderState} from "./createPonderStore";
import type {Failure} from "../i18n/localizeError";
import {requestAction} from "./requestAction";

export interface ToolsSlice {
    /** MCP servers with their state and tools, and the limits of calls; null until first loaded. */
    tools: ToolsView | null;
    setTools(view: ToolsView): void;
    loadTools(): Promise<void>;
    /** Resolves to the reason it was refused (shown beside the form), or null once added (it may still fail to start). */
    addToolServer(definition: RequestArgs<"tools.addServer">): Promise<Failure | null>;
    /** Resolves to the reason nothing was imported, or null. */
    importToolServers(json: string): Promise<Failure | null>;
    setToolServerEnabled(serverId: string, enabled: boolean): Promise<void>;
    restartToolServer(serverId: string): Promise<void>;
    removeToolServer(serverId: string): Promise<void>;
    updateTool(change: RequestArgs<"tools.updateTool">): Promise<void>;
    configureTools(limits: RequestArgs<"tools.configure">): Promise<void>;
}

export const createToolsSlice = (api: PonderApi): StateCreator<PonderState, [], [], ToolsSlice> => (set, get) => {
    async function update(request: () => Promise<ToolsView>) {
        const result = await requestAction(get().reportError, request);
        if (result.ok)
            set({tools: result.value});
    }

    async function refusal(request: () => Promise<unknown>): Promise<Failure | null> {
        const result = await requestAction(null, request);
        return result.ok ? null : result.failure;
    }

    return {
        tools: null,
        setTools(view) {
            set({tools: view});
        },
        loadTools: () => update(() => api.tools.list()),
        addToolServer: (definition) => refusal(() => api.tools.addServer(definition)),
        importToolServers: (json) => refusal(() => api.tools.importServers({json})),
        setToolServerEnabled: (serverId, enabled) => update(() => api.tools.updateServer({serverId, enabled})),
        restartToolServer: (serverId) => update(() => api.tools.restartServer({serverId})),
        removeToolServer: (serverId) => update(() => api.tools.removeServer({serverId})),
        updateTool: (change) => update(() => api.tools.updateTool(change)),
        configureTools: (limits) => update(() => api.tools.configure(limits))
    };
};
