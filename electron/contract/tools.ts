/**
 * MCP tool servers, their tools and the limits of tool calls.
 * The requests' argument schemas (built with the zod the main side passes in, so this module loads
 * without it), their results, events and the values they carry; ../contract.ts joins every domain.
 */
import type {z} from "zod";
import type {RequestSchemaBuilders, Zod} from "./RequestSchemaBuilders.ts";
import {everyName} from "./everyName.ts";
import type {Failure} from "./errors.ts";

export const toolsRequests = {
    /** MCP servers with their state and tools, and the limits of tool calls. */
    "tools.list": ({z}) => z.undefined(),
    /** A local command (stdio) or a Streamable HTTP URL; started at once. */
    "tools.addServer": ({z}) => toolServerSchema(z),
    /** The `mcpServers` JSON of Claude Desktop, LM Studio or Cursor; every server in it is added. */
    "tools.importServers": ({z}) => z.strictObject({json: z.string().trim().min(1).max(1_000_000)}),
    /** Disabled: stopped, and its tools offered to no model; enabled: started. */
    "tools.updateServer": ({z, id}) => z.strictObject({serverId: id, enabled: z.boolean()}),
    /** Stops (if running) and starts the server again, e.g. after it crashed. */
    "tools.restartServer": ({z, id}) => z.strictObject({serverId: id}),
    "tools.removeServer": ({z, id}) => z.strictObject({serverId: id}),
    "tools.updateTool": ({z, id}) => z.strictObject({
        serverId: id,
        /** The name the server gives the tool. */
        tool: z.string().min(1).max(200),
        enabled: z.boolean().optional(),
        /** Run without asking each time ("Always allow"). */
        alwaysAllow: z.boolean().optional()
    }),
    "tools.configure": ({z}) => toolLimitsSchema(z).partial()
} satisfies RequestSchemaBuilders;

export interface ToolsResults {
    "tools.list": ToolsView;
    "tools.addServer": ToolServerInfo;
    "tools.importServers": ToolServerInfo[];
    "tools.updateServer": ToolsView;
    "tools.restartServer": ToolsView;
    "tools.removeServer": ToolsView;
    "tools.updateTool": ToolsView;
    "tools.configure": ToolsView;
}

export interface ToolsEvents {
    /** The servers' states, tools or the limits changed. */
    "tools.changed": ToolsView;
}

export const toolsEventNames = everyName<keyof ToolsEvents>()(["tools.changed"]);

/** An MCP server as the user adds it: a command with arguments, or a URL with headers. */
export function toolServerSchema(z: Zod) {
    const name = z.string().trim().min(1).max(100);
    const values = z.record(z.string().min(1).max(200), z.string().max(10_000))
        .refine((record) => Object.keys(record).length <= 100, "has more than 100 entries");
    return z.union([
        z.strictObject({
            name: name.optional(),
            command: z.string().trim().min(1).max(4096),
            args: z.array(z.string().max(4096)).max(200).optional(),
            /** Variables given to the server on top of a minimal environment (PATH, HOME…). */
            env: values.optional(),
            /** Working folder. */
            cwd: z.string().trim().min(1).max(4096).optional()
        }),
        z.strictObject({
            name: name.optional(),
            url: z.string().trim().min(1).max(2000),
            /** Sent with every request, e.g. `Authorization: Bearer …`. */
            headers: values.optional()
        })
    ]);
}

/** Limits on the tool calls of one reply. */
export function toolLimitsSchema(z: Zod) {
    return z.strictObject({
        callTimeoutSeconds: z.number().int().min(1).max(3600),
        /** A longer result is cut to this many characters, with a note saying so. */
        maxResultChars: z.number().int().min(1000).max(1_000_000),
        maxCallsPerReply: z.number().int().min(1).max(100)
    });
}

/** The user's answer to a tool call: "Allow once", "Always allow" (this tool, from now on) or "Deny". */
export type ToolConsent = "allowOnce" | "alwaysAllow" | "deny";

/** An MCP server as the user added it, with its state now; environment values and headers never come back. */
export interface ToolServerInfo {
    id: string;
    name: string;
    enabled: boolean;
    kind: "stdio" | "http";
    /** stdio: the command, its arguments and working folder, and the names of the variables it is given. */
    command?: string;
    args?: string[];
    cwd?: string;
    envNames?: string[];
    /** http: the address, and the names of the headers sent. */
    url?: string;
    headerNames?: string[];
    /** `stopped` while disabled (or, in `serve` without `--allow-tool-commands`, a command server). */
    status: "stopped" | "starting" | "ready" | "failed";
    /** Why it failed or stopped (the HTTP error, a timeout, an exit). */
    error: Failure | null;
    /** What a failed command server wrote to stderr last; empty when none. */
    stderr: string;
    /** What it lists now (empty unless ready). */
    tools: ToolInfo[];
}

export interface ToolInfo {
    /** The server's name for it. */
    name: string;
    /** What the model calls: the same name, qualified with the server's only when another enabled server has a tool of that name. */
    callName: string;
    description: string;
    enabled: boolean;
    /** Runs without asking ("Always allow"). */
    alwaysAllow: boolean;
}

export type ToolLimits = z.infer<ReturnType<typeof toolLimitsSchema>>;

export interface ToolsView {
    servers: ToolServerInfo[];
    limits: ToolLimits;
    /** False in `serve` unless started with `--allow-tool-commands`: command servers can't be added or run. */
    allowCommands: boolean;
}
