import {failureOf, PonderError, type Failure} from "../../contract/errors.ts";
import {Client} from "@modelcontextprotocol/sdk/client/index.js";
import {StdioClientTransport} from "@modelcontextprotocol/sdk/client/stdio.js";
import {StreamableHTTPClientTransport, StreamableHTTPError} from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type {Transport} from "@modelcontextprotocol/sdk/shared/transport.js";
import {ErrorCode, McpError, ToolListChangedNotificationSchema, type CallToolResult, type Tool} from "@modelcontextprotocol/sdk/types.js";

/** How to reach an MCP server: a local command speaking over stdio, or a Streamable HTTP URL. */
export type McpEndpoint =
    | {kind: "stdio"; command: string; args: string[]; env: Record<string, string>; cwd?: string}
    | {kind: "http"; url: string; headers: Record<string, string>};

export interface McpTool {
    name: string;
    description: string;
    /** JSON Schema of the arguments, as the server gives it. */
    inputSchema: Record<string, unknown>;
}

export interface McpCallResult {
    /** The result's content as text (what the model reads). */
    text: string;
    /** The tool itself reported a failure (`isError`); the text says what went wrong. */
    isError: boolean;
}

export interface McpConnectionOptions {
    clientVersion: string;
    /** How long the server may take to start and answer `initialize` and `tools/list`. */
    startTimeoutMs: number;
    /** The connection ended without {@link McpConnection.close}: the process exited or the stream broke. */
    onLost: (failure: McpFailure) => void;
    /** The server says its tools changed; {@link McpConnection.tools} is already updated. */
    onToolsChanged: () => void;
}

/** Why a server failed, in Ponder's words, and what it wrote to stderr last (stdio; empty otherwise). */
export class McpFailure extends Error {
    override readonly name = "McpFailure";
    readonly stderrTail: string;

    constructor(failure: Error, stderrTail: string) {
        super(failure.message, {cause: failure});
        this.stderrTail = stderrTail;
    }

    /** Why, as the user reads it: a coded error, or the SDK's or server's own words. */
    get failure(): Failure {
        return failureOf(this.cause);
    }
}

/** The last characters a stdio server wrote to stderr, kept to explain a failure. */
const stderrTailChars = 2000;
/**
 * A stdio server's one JSON-RPC line may be this large (the SDK's default is 10 MB, and a
 * larger line closes the connection): a huge tool result is cut by Ponder's own cap instead.
 */
const stdioMaxLineBytes = 64 * 1024 * 1024;

/**
 * One running MCP server, through the official SDK client: started (a process, or an HTTP
 * session), initialized, its tools listed (every page) and kept current, tools called.
 */
export class McpConnection {
    readonly #client: Client;
    readonly #transport: Transport;
    readonly #options: McpConnectionOptions;
    #stderr = "";
    #closing = false;
    #tools: McpTool[] = [];

    private constructor(endpoint: McpEndpoint, options: McpConnectionOptions) {
        this.#options = options;
        this.#client = new Client({name: "Ponder", version: options.clientVersion}, {capabilities: {}});
        this.#transport = endpoint.kind === "stdio" ? this.#stdioTransport(endpoint) : new StreamableHTTPClientTransport(new URL(endpoint.url), {
            requestInit: {headers: endpoint.headers}
        });
    }

    /** Starts the server and lists its tools; throws an {@link McpFailure}. */
    static async open(endpoint: McpEndpoint, options: McpConnectionOptions): Promise<McpConnection> {
        const connection = new McpConnection(endpoint, options);
        try {
            await connection.#start();
        } catch (error) {
            await connection.close();
            throw connection.#failure(error);
        }
        return connection;
    }

    get tools(): readonly McpTool[] {
        return this.#tools;
    }

    async callTool(name: string, args: Record<string, unknown>, {signal, timeoutMs}: {signal?: AbortSignal; timeoutMs: number}): Promise<McpCallResult> {
        const result = await this.#client.callTool({name, arguments: args}, undefined, {signal, timeout: timeoutMs}) as CallToolResult;
        return {text: resultText(result), isError: result.isError === true};
    }

    async close(): Promise<void> {
        this.#closing = true;
        if (this.#transport instanceof StreamableHTTPClientTransport)
            // Tells the server the session is over; a server that is gone already doesn't matter.
            await this.#transport.terminateSession().catch(() => undefined);
        await this.#client.close().catch(() => undefined);
    }

    async #start() {
        this.#client.onclose = () => {
            if (!this.#closing)
                this.#options.onLost(this.#failure(new PonderError("tools.serverStopped")));
        };
        await this.#client.connect(this.#transport, {timeout: this.#options.startTimeoutMs});
        if (this.#client.getServerCapabilities()?.tools == null)
            return;
        this.#tools = await this.#listTools();
        this.#client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
            try {
                this.#tools = await this.#listTools();
                this.#options.onToolsChanged();
            } catch {
                // The next change (or a restart) lists them again; the old list stays meanwhile.
            }
        });
    }

    async #listTools(): Promise<McpTool[]> {
        const tools: Tool[] = [];
        let cursor: string | undefined;
        do {
            const page = await this.#client.listTools(cursor == null ? {} : {cursor}, {timeout: this.#options.startTimeoutMs});
            tools.push(...page.tools);
            cursor = page.nextCursor;
        } while (cursor != null);
        return tools.map((tool) => ({name: tool.name, description: tool.description ?? "", inputSchema: tool.inputSchema}));
    }

    #stdioTransport(endpoint: Extract<McpEndpoint, {kind: "stdio"}>) {
        // The SDK passes only a minimal environment (PATH, HOME, USER…) plus `env`: none of Ponder's own variables.
        const transport = new StdioClientTransport({
            command: endpoint.command,
            args: endpoint.args,
            env: endpoint.env,
            cwd: endpoint.cwd,
            stderr: "pipe",
            maxBufferSize: stdioMaxLineBytes
        });
        transport.stderr?.on("data", (chunk: Buffer) => {
            this.#stderr = (this.#stderr + chunk.toString("utf8")).slice(-stderrTailChars);
        });
        return transport;
    }

    /** An error as the user reads it, with what the server wrote to stderr last. */
    #failure(error: unknown): McpFailure {
        return new McpFailure(describeFailure(error, this.#options.startTimeoutMs), this.#stderr.trim());
    }
}

function describeFailure(error: unknown, startTimeoutMs: number): Error {
    if (error instanceof StreamableHTTPError && error.code != null && error.code >= 400)
        return new PonderError("tools.serverHttpError", {status: String(error.code)}, {cause: error});
    if (error instanceof McpError && error.code === ErrorCode.RequestTimeout)
        return new PonderError("tools.serverStartTimedOut", {seconds: Math.round(startTimeoutMs / 1000)}, {cause: error});
    if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed)
        return new PonderError("tools.serverStopped", {}, {cause: error});
    // The SDK's or the server's own words: shown as they came.
    return error instanceof Error ? error : Object.assign(new Error(String(error)), {cause: error});
}

/** A tool result as text: text parts as they are, other parts described, structured content as JSON. */
function resultText(result: CallToolResult): string {
    const parts = result.content.map((part) => {
        switch (part.type) {
            case "text":
                return part.text;
            case "image":
            case "audio":
                return `[${part.type}: ${part.mimeType}]`;
            case "resource":
                return "text" in part.resource ? part.resource.text : `[resource: ${part.resource.uri}]`;
            case "resource_link":
                return `[resource: ${part.uri}]`;
        }
        return "";
    });
    if (parts.length === 0 && result.structuredContent != null)
        return JSON.stringify(result.structuredContent);
    return parts.join("\n");
}
