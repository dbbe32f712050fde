import type {StateCreator} from "zustand/vanilla";
import type {PonderApi, RequestArgs, RequestResults, ToolsView} from "../../../electron/contract";
import type {PonderState} from "./createPonderStore";
import {requestAction} from "./requestAction";
import type {ActionResult} from "./requestAction";
import {updateField} from "./updateField";

export interface ToolsSlice {
    /** MCP servers with their state and tools, and the limits of calls; null until first loaded. */
    tools: ToolsView | null;
    setTools(view: ToolsView): void;
    loadTools(): Promise<ActionResult<ToolsView>>;
    /** A refusal is shown beside the form, not as a notice; once added, the server may still fail to start. */
    addToolServer(definition: RequestArgs<"tools.addServer">): Promise<ActionResult<RequestResults["tools.addServer"]>>;
    /** A refusal (nothing imported) is shown beside the form. */
    importToolServers(json: string): Promise<ActionResult<RequestResults["tools.importServers"]>>;
    setToolServerEnabled(serverId: string, enabled: boolean): Promise<ActionResult<ToolsView>>;
    restartToolServer(serverId: string): Promise<ActionResult<ToolsView>>;
    removeToolServer(serverId: string): Promise<ActionResult<ToolsView>>;
    updateTool(change: RequestArgs<"tools.updateTool">): Promise<ActionResult<ToolsView>>;
    configureTools(limits: RequestArgs<"tools.configure">): Promise<ActionResult<ToolsView>>;
}

export const createToolsSlice = (api: PonderApi): StateCreator<PonderState, [], [], ToolsSlice> => (set, get) => {
    const update = updateField(get, set, "tools");

    return {
        tools: null,
        setTools(view) {
            set({tools: view});
        },
        loadTools: () => update(() => api.tools.list()),
        addToolServer: (definition) => requestAction(null, () => api.tools.addServer(definition)),
        importToolServers: (json) => requestAction(null, () => api.tools.importServers({json})),
        setToolServerEnabled: (serverId, enabled) => update(() => api.tools.updateServer({serverId, enabled})),
        restartToolServer: (serverId) => update(() => api.tools.restartServer({serverId})),
        removeToolServer: (serverId) => update(() => api.tools.removeServer({serverId})),
        updateTool: (change) => update(() => api.tools.updateTool(change)),
        configureTools: (limits) => update(() => api.tools.configure(limits))
    };
};
