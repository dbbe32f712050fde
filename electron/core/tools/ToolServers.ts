import {failureOf, PonderError, type Failure} from "../../contract/errors.ts";
import {randomUUID} from "node:crypto";
import path from "node:path";
import {ErrorCode, McpError} from "@modelcontextprotocol/sdk/types.js";
import {requestSchemas, type DomainHandlers, type ToolInfo, type ToolLimits, type ToolServerInfo, type ToolsView} from "../../contract.ts";
import type {SecretStore} from "../engines/SecretStore.ts";
import type {EventBus} from "../events/EventBus.ts";
import {Logger} from "../logging/Logger.ts";
import type {PonderDatabase} from "../store/openDatabase.ts";
import {McpConnection, McpFailure, type McpEndpoint} from "./McpConnection.ts";
import {parseMcpServersJson, type ToolServerDefinition} from "./parseMcpServersJson.ts";

export interface ToolServersOptions {
    /** Whether command (stdio) servers may be added and run; `serve` allows it only with `--allow-tool-commands`. */
    allowCommands: boolean;
    clientVersion: string;
    /** How long a server may take to start and list its tools. Defaults to 30 s. */
    startTimeoutMs?: number;
    /** A server that fails to start or stops is logged here with its cause. */
    logger?: Logger;
}

/** A tool the model may call now: enabled, on an enabled server that is ready. */
export interface CallableTool {
    serverId: string;
    serverName: string;
    /** The server's name for it. */
    name: string;
    /** The model's name for it (qualified only on a clash). */
    callName: string;
    description: string;
    inputSchema: Record<string, unknown>;
    alwaysAllow: boolean;
}

export interface ToolCallOutcome {
    text: string;
    /** The tool reported a failure. */
    isError: boolean;
    /** The full result's length when {@link text} was cut to the limit; null when it is whole. */
    truncatedFromChars: number | null;
}

interface ServerRow {
    id: string;
    name: string;
    enabled: number;
    endpoint: string;
    sealed_values: string | null;
}

/** The endpoint as stored: everything but the environment and header values, which are sealed apart. */
type StoredEndpoint =
    | {kind: "stdio"; command: string; args: string[]; cwd?: string; envNames: string[]}
    | {kind: "http"; url: string; headerNames: string[]};

interface ServerState {
    status: ToolServerInfo["status"];
    error: Failure | null;
    stderr?: string;
    connection?: McpConnection;
    /** Which start this state belongs to, so a start that was overtaken (disabled, restarted) is dropped. */
    attempt: number;
}

const defaultLimits: ToolLimits = {callTimeoutSeconds: 60, maxResultChars: 20_000, maxCallsPerReply: 8};
const limitsSchema = requestSchemas["tools.configure"];

/**
 * The MCP servers the user added: stored in SQLite, started when enabled (each through
 * {@link McpConnection}), stopped when disabled or removed and on quit, with their state and
 * tools announced as `tools.changed`. Servers are processes (or sessions) the user asked for;
 * a crashed one is reported and can be restarted, never restarted behind the user's back.
 */
export class ToolServers {
    readonly #db: PonderDatabase;
    readonly #secrets: SecretStore;
    readonly #events: EventBus;
    readonly #options: ToolServersOptions;
    readonly #logger: Logger;
    readonly #states = new Map<string, ServerState>();
    #attempts = 0;

    constructor(db: PonderDatabase, secrets: SecretStore, events: EventBus, options: ToolServersOptions) {
        this.#db = db;
        this.#secrets = secrets;
        this.#events = events;
        this.#options = options;
        this.#logger = options.logger ?? Logger.silent();
    }

    /** Starts every enabled server, without waiting: a slow server never holds up the app. */
    start(): void {
        for (const row of this.#rows())
            if (row.enabled)
                void this.#launch(row);
    }

    view(): ToolsView {
        const rows = this.#rows();
        const preferences = this.#preferences();
        const listed = rows.map((row) => ({row, tools: this.#states.get(row.id)?.connection?.tools ?? []}));
        const isOn = (serverId: string, tool: string) => preferences.get(`${serverId}\n${tool}`)?.enabled ?? true;
        const offered = listed.filter(({row}) => row.enabled).flatMap(({row, tools}) => tools.filter((tool) => isOn(row.id, tool.name)).map((tool) => tool.name));
        const clashing = new Set(offered.filter((name, index) => offered.indexOf(name) !== index));
        return {
            servers: listed.map(({row, tools}) => this.#describe(row, tools.map((tool): ToolInfo => ({
                name: tool.name,
                callName: clashing.has(tool.name) ? `${row.name.replace(/[^A-Za-z0-9_-]+/g, "_")}__${tool.name}` : tool.name,
                description: tool.description,
                enabled: isOn(row.id, tool.name),
                alwaysAllow: preferences.get(`${row.id}\n${tool.name}`)?.alwaysAllow ?? false
            })))),
            limits: this.limits,
            allowCommands: this.#options.allowCommands
        };
    }

    get limits(): ToolLimits {
        const row = this.#db.prepare<[], {limits: string}>("SELECT limits FROM tool_limits WHERE id = 1").get();
        const stored = row == null ? {} : limitsSchema.safeParse(JSON.parse(row.limits)).data ?? {};
        return {...defaultLimits, ...stored};
    }

    async add(definition: ToolServerDefinition): Promise<ToolServerInfo> {
        const [row] = this.#insert([definition]);
        await this.#launch(row!);
        return this.#info(row!.id);
    }

    /** Adds every server of an `mcpServers` JSON; one invalid entry imports none. */
    async import(json: string): Promise<ToolServerInfo[]> {
        const rows = this.#insert(parseMcpServersJson(json));
        await Promise.all(rows.map((row) => this.#launch(row)));
        return rows.map((row) => this.#info(row.id));
    }

    async setEnabled(serverId: string, enabled: boolean): Promise<ToolsView> {
        const row = this.#row(serverId);
        this.#db.prepare("UPDATE tool_servers SET enabled = ? WHERE id = ?").run(enabled ? 1 : 0, serverId);
        if (enabled)
            await this.#launch({...row, enabled: 1});
        else
            await this.#stop(serverId);
        return this.#announce();
    }

    async restart(serverId: string): Promise<ToolsView> {
        const row = this.#row(serverId);
        if (!row.enabled)
            throw new PonderError("tools.serverOff", {name: row.name});
        await this.#launch(row);
        return this.view();
    }

    async remove(serverId: string): Promise<ToolsView> {
        this.#row(serverId);
        await this.#stop(serverId);
        this.#states.delete(serverId);
        this.#db.prepare("DELETE FROM tool_servers WHERE id = ?").run(serverId);
        return this.#announce();
    }

    updateTool(serverId: string, tool: string, changes: {enabled?: boolean; alwaysAllow?: boolean}): ToolsView {
        this.#row(serverId);
        const current = this.#preferences().get(`${serverId}\n${tool}`) ?? {enabled: true, alwaysAllow: false};
        const next = {...current, ...changes};
        this.#db.prepare("INSERT INTO tool_preferences (server_id, tool_name, enabled, always_allow) VALUES (?, ?, ?, ?) ON CONFLICT (server_id, tool_name) DO UPDATE SET enabled = excluded.enabled, always_allow = excluded.always_allow")
            .run(serverId, tool, next.enabled ? 1 : 0, next.alwaysAllow ? 1 : 0);
        return this.#announce();
    }

    configure(changes: Partial<ToolLimits>): ToolsView {
        const limits = {...this.limits, ...changes};
        this.#db.prepare("INSERT INTO tool_limits (id, limits) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET limits = excluded.limits").run(JSON.stringify(limits));
        return this.#announce();
    }

    /** The tools a model may call now, with the names it calls them by. */
    callable(): CallableTool[] {
        return this.view().servers.filter((server) => server.enabled && server.status === "ready").flatMap((server) => {
            const listed = this.#states.get(server.id)?.connection?.tools ?? [];
            return server.tools.filter((tool) => tool.enabled).map((tool) => ({
                serverId: server.id,
                serverName: server.name,
                name: tool.name,
                callName: tool.callName,
                description: tool.description,
                inputSchema: listed.find((candidate) => candidate.name === tool.name)?.inputSchema ?? {type: "object"},
                alwaysAllow: tool.alwaysAllow
            }));
        });
    }

    /** Runs a tool within the time limit; a longer result than the limit is cut. Aborting `signal` cancels the call. */
    async call(tool: CallableTool, args: Record<string, unknown>, signal?: AbortSignal): Promise<ToolCallOutcome> {
        const connection = this.#states.get(tool.serverId)?.connection;
        if (connection == null)
            throw new PonderError("tools.serverNotRunning", {name: tool.serverName});
        const {callTimeoutSeconds, maxResultChars} = this.limits;
        let result;
        try {
            result = await connection.callTool(tool.name, args, {signal, timeoutMs: callTimeoutSeconds * 1000});
        } catch (error) {
            if (error instanceof McpError && error.code === ErrorCode.RequestTimeout)
                throw new PonderError("tools.callTimedOut", {tool: tool.callName, seconds: callTimeoutSeconds});
            throw error;
        }
        const whole = result.text.length <= maxResultChars;
        return {
            text: whole ? result.text : result.text.slice(0, maxResultChars),
            isError: result.isError,
            truncatedFromChars: whole ? null : result.text.length
        };
    }

    /** Stops every server (on quit). */
    handlers(): DomainHandlers<"tools"> {
        return {
            list: async () => this.view(),
            addServer: (definition) => this.add(definition),
            importServers: ({json}) => this.import(json),
            updateServer: ({serverId, enabled}) => this.setEnabled(serverId, enabled),
            restartServer: ({serverId}) => this.restart(serverId),
            removeServer: ({serverId}) => this.remove(serverId),
            updateTool: async ({serverId, tool, ...changes}) => this.updateTool(serverId, tool, changes),
            configure: async (limits) => this.configure(limits)
        };
    }

    async dispose(): Promise<void> {
        this.#attempts++;
        await Promise.all([...this.#states.values()].map((state) => state.connection?.close()));
        this.#states.clear();
    }

    /** (Re)starts a server; its state goes starting → ready or failed, announced at each step. */
    async #launch(row: ServerRow): Promise<void> {
        const attempt = ++this.#attempts;
        await this.#stop(row.id);
        const stored = JSON.parse(row.endpoint) as StoredEndpoint;
        if (stored.kind === "stdio" && !this.#options.allowCommands) {
            this.#states.set(row.id, {status: "stopped", error: {code: "tools.commandsRefused", params: {}}, attempt});
            this.#announce();
            return;
        }
        this.#states.set(row.id, {status: "starting", error: null, attempt});
        this.#announce();
        const isCurrent = () => this.#states.get(row.id)?.attempt === attempt;
        try {
            const connection = await McpConnection.open(this.#endpoint(stored, row.sealed_values), {
                clientVersion: this.#options.clientVersion,
                startTimeoutMs: this.#options.startTimeoutMs ?? 30_000,
                onLost: (failure) => {
                    if (!isCurrent())
                        return;
                    // One lost while starting is logged once, where its start fails.
                    if (this.#states.get(row.id)?.status === "ready")
                        this.#logger.warn("A tool server stopped", {serverId: row.id, cause: failure});
                    this.#states.set(row.id, {status: "failed", error: failure.failure, stderr: failure.stderrTail, attempt});
                    this.#announce();
                },
                onToolsChanged: () => void this.#announce()
            });
            if (!isCurrent()) {
                await connection.close();
                return;
            }
            this.#states.set(row.id, {status: "ready", error: null, connection, attempt});
        } catch (error) {
            if (!isCurrent())
                return;
            this.#logger.warn("A tool server could not start", {serverId: row.id, cause: error});
            this.#states.set(row.id, {status: "failed", error: error instanceof McpFailure ? error.failure : failureOf(error), stderr: error instanceof McpFailure ? error.stderrTail : "", attempt});
        }
        this.#announce();
    }

    async #stop(serverId: string) {
        const state = this.#states.get(serverId);
        if (state == null)
            return;
        this.#states.set(serverId, {status: "stopped", error: null, attempt: state.attempt});
        await state.connection?.close();
    }

    #insert(definitions: ToolServerDefinition[]): ServerRow[] {
        const taken = new Set(this.#rows().map((row) => row.name));
        const rows = definitions.map((definition): ServerRow => {
            if ("command" in definition && !this.#options.allowCommands)
                throw new PonderError("tools.commandsRefused");
            if ("url" in definition && !isHttpUrl(definition.url))
                throw new PonderError("tools.serverUrlInvalid", {url: definition.url});
            const name = uniqueName(definition.name ?? defaultName(definition), taken);
            taken.add(name);
            const values = "command" in definition ? definition.env ?? {} : definition.headers ?? {};
            const endpoint: StoredEndpoint = "command" in definition
                ? {kind: "stdio", command: definition.command, args: definition.args ?? [], ...(definition.cwd == null ? {} : {cwd: definition.cwd}), envNames: Object.keys(values)}
                : {kind: "http", url: definition.url, headerNames: Object.keys(values)};
            return {
                id: randomUUID(),
                name,
                enabled: 1,
                endpoint: JSON.stringify(endpoint),
                sealed_values: Object.keys(values).length === 0 ? null : this.#secrets.seal(JSON.stringify(values))
            };
        });
        const insert = this.#db.prepare("INSERT INTO tool_servers (id, name, enabled, endpoint, sealed_values, created_at) VALUES (@id, @name, @enabled, @endpoint, @sealed_values, @created_at)");
        this.#db.transaction(() => rows.forEach((row) => insert.run({...row, created_at: Date.now()})))();
        return rows;
    }

    #endpoint(stored: StoredEndpoint, sealedValues: string | null): McpEndpoint {
        const values = sealedValues == null ? {} : JSON.parse(this.#secrets.open(sealedValues)) as Record<string, string>;
        return stored.kind === "stdio"
            ? {kind: "stdio", command: stored.command, args: stored.args, env: values, ...(stored.cwd == null ? {} : {cwd: stored.cwd})}
            : {kind: "http", url: stored.url, headers: values};
    }

    #describe(row: ServerRow, tools: ToolInfo[]): ToolServerInfo {
        const stored = JSON.parse(row.endpoint) as StoredEndpoint;
        const state = this.#states.get(row.id);
        const endpoint = stored.kind === "stdio"
            ? {kind: stored.kind, command: stored.command, args: stored.args, ...(stored.cwd == null ? {} : {cwd: stored.cwd}), envNames: stored.envNames}
            : {kind: stored.kind, url: stored.url, headerNames: stored.headerNames};
        return {
            id: row.id,
            name: row.name,
            enabled: row.enabled === 1,
            ...endpoint,
            status: state?.status ?? "stopped",
            error: state?.error ?? null,
            stderr: state?.stderr ?? "",
            tools: state?.status === "ready" ? tools : []
        };
    }

    #info(serverId: string): ToolServerInfo {
        return this.view().servers.find((server) => server.id === serverId)!;
    }

    #announce(): ToolsView {
        const view = this.view();
        this.#events.emit("tools.changed", view);
        return view;
    }

    #rows(): ServerRow[] {
        return this.#db.prepare<[], ServerRow>("SELECT id, name, enabled, endpoint, sealed_values FROM tool_servers ORDER BY created_at, rowid").all();
    }

    #row(serverId: string): ServerRow {
        const row = this.#rows().find((candidate) => candidate.id === serverId);
        if (row == null)
            throw new PonderError("tools.serverGone");
        return row;
    }

    #preferences() {
        const rows = this.#db.prepare<[], {server_id: string; tool_name: string; enabled: number; always_allow: number}>(
            "SELECT server_id, tool_name, enabled, always_allow FROM tool_preferences").all();
        return new Map(rows.map((row) => [`${row.server_id}\n${row.tool_name}`, {enabled: row.enabled === 1, alwaysAllow: row.always_allow === 1}]));
    }
}

/** A name from what starts the server: the package or script it runs, or the URL's host. */
function defaultName(definition: ToolServerDefinition): string {
    if ("url" in definition)
        return new URL(definition.url).host;
    const target = definition.args?.find((arg) => !arg.startsWith("-")) ?? definition.command;
    return path.basename(target.replace(/@[^/@]*$/, "")) || definition.command;
}

function isHttpUrl(address: string): boolean {
    try {
        return ["http:", "https:"].includes(new URL(address).protocol);
    } catch {
        return false;
    }
}

function uniqueName(name: string, taken: ReadonlySet<string>): string {
    let candidate = name;
    for (let n = 2; taken.has(candidate); n++)
        candidate = `${name} ${n}`;
    return candidate;
}
