/**
 * THE contract between Ponder's main side (core + native, in Electron's main process or in
 * `serve`) and the renderer. Everything that crosses the process boundary is declared here:
 * request argument schemas (validated on arrival by the main side), and result and event
 * payload types. The names on the wire and the values both sides share are in contract/values.ts.
 *
 * The renderer imports this file with `import type` only, so zod stays out of its bundle; the
 * preload and the renderer take names and the `PonderApi` builder from contract/values.ts.
 */
import {z} from "zod";
import {isPonderErrorData, type Failure, type PonderErrorData} from "./contract/errors.ts";
import {kvCacheTypes, languageLocks} from "./contract/values.ts";

/** A failure kept in an archive: the text of an error, or a coded error (translated when shown). */
const failureSchema = z.union([z.string().max(10_000), z.custom<PonderErrorData>(isPonderErrorData, {message: "is not a known error code"})]);

export type KvCacheType = (typeof kvCacheTypes)[number];

// ---------------------------------------------------------------------------------------------
// Request arguments: one object (or nothing) per request, validated by zod before the core runs.

/**
 * Zod schemas of every request's single argument. `z.undefined()` means "takes no argument".
 * Built in a pure function so that bundles that only need the name lists (the preload) drop zod.
 */
export const requestSchemas = /* @__PURE__ */ (() => {
    const id = z.string().min(1).max(200);
    return {
        "app.getInfo": z.undefined(),
        /** Versions and hardware, for the About box and the first-run welcome. Starts llama.cpp if needed. */
        "app.getSystem": z.undefined(),
        /** The log's folder and its last lines, for a bug report (About → Copy details). */
        "app.getLogs": z.undefined(),
        /** Desktop only: opens the logs folder in the system file manager. */
        "app.openLogsFolder": z.undefined(),
        "models.list": z.undefined(),
        "models.load": z.strictObject({modelId: id}),
        "models.unload": z.undefined(),
        "models.getState": z.undefined(),
        /** Asks for confirmation in the UI first: the file is deleted from disk. */
        "models.delete": z.strictObject({modelId: id}),
        /** A .gguf file, or a folder whose .gguf files are all added; kept where they are. */
        "models.import": z.strictObject({path: z.string().min(1).max(4096)}),
        /** Desktop only: the system's open dialog picks .gguf files, which are imported; cancelled, nothing changes. */
        "models.importPicked": z.undefined(),
        /** Desktop only: shows a listed model's file in the system file manager (the core finds the path). */
        "models.reveal": z.strictObject({modelId: id}),
        /** Desktop only: shows the models folder in the system file manager. */
        "models.openFolder": z.undefined(),
        /** Models are listed from, and downloaded to, another existing folder; omitted: the desktop app asks with its open dialog. */
        "models.changeFolder": z.strictObject({path: z.string().trim().min(1).max(4096).optional()}),
        /** Exactly one: a listed model, or a catalog id / `hf:` URI / URL to read remotely. */
        /** The KV cache type defaults to the model's load setting (a listed model) or f16. */
        "models.estimateFit": z.union([
            z.strictObject({modelId: id, kvCacheType: z.enum(kvCacheTypes).optional()}),
            z.strictObject({address: z.string().trim().min(1).max(2000), kvCacheType: z.enum(kvCacheTypes).optional()})
        ]),
        "catalog.list": z.undefined(),
        /** The best reasoning model of the catalog for this machine; reads candidates' GGUF headers from the hub. */
        "catalog.recommend": z.undefined(),
        /** GGUF models on the hub whose name contains the query, a page at a time. */
        "hub.search": z.strictObject({
            query: z.string().trim().min(1).max(200),
            sort: z.enum(["downloads", "recent"]),
            /** The previous page's `next`. */
            cursor: z.string().min(1).max(2000).optional()
        }),
        /** A repository's page: its facts and GGUF files by quantization. */
        "hub.repository": z.strictObject({repo: z.string().max(200).regex(/^[\w.-]+\/[\w.-]+$/)}),
        "hub.getSettings": z.undefined(),
        /** A Hugging Face token for gated repositories, sealed like the remote engines' keys; null removes it. */
        "hub.setToken": z.strictObject({token: z.string().trim().min(1).max(1000).regex(/^[\x21-\x7e]+$/).nullable()}),
        "downloads.list": z.undefined(),
        /** A catalog id, an `hf:owner/repo:QUANT` or `hf:owner/repo/file.gguf` URI, or a GGUF URL. */
        "downloads.add": z.strictObject({address: z.string().trim().min(1).max(2000)}),
        "downloads.pause": z.strictObject({downloadId: id}),
        "downloads.resume": z.strictObject({downloadId: id}),
        "downloads.cancel": z.strictObject({downloadId: id}),
        /** A page of the conversation list; the next page starts after the last chat of this one. */
        "chats.list": z.strictObject({
            after: z.strictObject({id, pinned: z.boolean(), updatedAt: z.number().int()}).optional(),
            /** Defaults to 50. */
            limit: z.number().int().min(1).max(500).optional()
        }),
        "chats.get": z.strictObject({chatId: id}),
        "chats.create": z.undefined(),
        "chats.send": z.strictObject({
            /** Omitted: start a new chat with this message. */
            chatId: id.optional(),
            text: z.string().trim().min(1).max(200_000),
            /** Documents stored with `attachments.finish`, read into the prompt with the message. */
            attachments: z.array(attachmentRefSchema()).max(20).optional()
        }),
        /** Starts an upload of a document's bytes, sent in pieces with `attachments.write`; refuses what is too large. */
        "attachments.begin": z.strictObject({name: z.string().trim().min(1).max(255), sizeBytes: z.number().int().min(0).max(2 ** 50)}),
        /** One piece (base64, at most 1 MiB of bytes), at its offset; pieces come in order. */
        "attachments.write": z.strictObject({uploadId: id, offset: z.number().int().min(0), data: z.string().max(1_398_104).regex(/^[A-Za-z0-9+/]*={0,2}$/)}),
        /** Reads the uploaded document's text and stores it once per content hash. */
        "attachments.finish": z.strictObject({uploadId: id}),
        "chats.stop": z.strictObject({chatId: id}),
        /** "Answer now": the chat's reply closes its reasoning and answers. */
        "chats.answerNow": z.strictObject({chatId: id}),
        /** The user's answer to a tool call waiting for consent in the chat's reply. */
        "chats.answerToolCall": z.strictObject({chatId: id, callId: id, decision: z.enum(["allowOnce", "alwaysAllow", "deny"])}),
        "chats.update": z.strictObject({
            chatId: id,
            title: z.string().trim().min(1).max(200).optional(),
            pinned: z.boolean().optional(),
            systemPrompt: z.string().max(20_000).optional(),
            sendReasoning: z.boolean().optional()
        }),
        "chats.delete": z.strictObject({chatId: id}),
        "chats.restore": z.strictObject({chatId: id}),
        "chats.search": z.strictObject({query: z.string().trim().min(1).max(200)}),
        "chats.showMessage": z.strictObject({chatId: id, messageId: id}),
        "chats.edit": z.strictObject({chatId: id, messageId: id, text: z.string().trim().min(1).max(200_000)}),
        "chats.regenerate": z.strictObject({chatId: id, messageId: id}),
        "chats.continue": z.strictObject({chatId: id, messageId: id}),
        "chats.deleteMessage": z.strictObject({chatId: id, messageId: id}),
        /** Undoes `chats.deleteMessage` of this message (until the app restarts). */
        "chats.restoreMessage": z.strictObject({chatId: id, messageId: id}),
        /** Starts an export; its text is then read in pieces with `chats.readExport`. */
        "chats.export": z.strictObject({
            /** Omitted: every conversation. */
            chatId: id.optional(),
            format: z.enum(["markdown", "json"])
        }),
        "chats.readExport": z.strictObject({exportId: id}),
        "chats.import": z.strictObject({archive: chatArchiveSchema(id)}),
        "settings.get": z.strictObject({modelId: id, chatId: id.optional()}),
        "settings.update": z.strictObject({
            modelId: id,
            /** Omitted: the model's own defaults; given: this chat only. */
            chatId: id.optional(),
            values: generationSettingsSchema().partial(),
            /** Settings to take back to what the layer below says (the preset, or the model's defaults). */
            reset: z.array(generationSettingsSchema().keyof()).max(32).optional()
        }),
        "engines.list": z.undefined(),
        /** An OpenAI-compatible endpoint (vLLM, SGLang, llama.cpp's server, Ollama…); checked by listing its models. */
        "engines.add": z.strictObject({
            name: z.string().trim().max(100).optional(),
            baseUrl: z.string().trim().min(1).max(2000),
            apiKey: z.string().trim().max(4000).optional()
        }),
        "engines.remove": z.strictObject({engineId: id}),
        "api.getState": z.undefined(),
        /** The desktop app's local OpenAI-compatible API server; `serve` always has it on its own port. */
        "api.configure": z.strictObject({
            enabled: z.boolean().optional(),
            /** Listen on every network interface instead of 127.0.0.1 only. */
            allowNetwork: z.boolean().optional(),
            port: z.number().int().min(1).max(65535).optional()
        }),
        "api.rotateKey": z.undefined(),
        /** Conversations' evaluated states kept on disk (see {@link StateCacheInfo}). */
        "stateCache.get": z.undefined(),
        /** The disk budget for them; states beyond it are deleted, least recently used first. 0 keeps none. */
        "stateCache.configure": z.strictObject({budgetBytes: z.number().int().min(0).max(2 ** 50)}),
        /** Deletes every saved state: conversations are evaluated again when they come back. */
        "stateCache.clear": z.undefined(),
        /** MCP servers with their state and tools, and the limits of tool calls. */
        "tools.list": z.undefined(),
        /** A local command (stdio) or a Streamable HTTP URL; started at once. */
        "tools.addServer": toolServerSchema(),
        /** The `mcpServers` JSON of Claude Desktop, LM Studio or Cursor; every server in it is added. */
        "tools.importServers": z.strictObject({json: z.string().trim().min(1).max(1_000_000)}),
        /** Disabled: stopped, and its tools offered to no model; enabled: started. */
        "tools.updateServer": z.strictObject({serverId: id, enabled: z.boolean()}),
        /** Stops (if running) and starts the server again, e.g. after it crashed. */
        "tools.restartServer": z.strictObject({serverId: id}),
        "tools.removeServer": z.strictObject({serverId: id}),
        "tools.updateTool": z.strictObject({
            serverId: id,
            /** The name the server gives the tool. */
            tool: z.string().min(1).max(200),
            enabled: z.boolean().optional(),
            /** Run without asking each time ("Always allow"). */
            alwaysAllow: z.boolean().optional()
        }),
        "tools.configure": toolLimitsSchema().partial()
    } as const;
})();

/** An MCP server as the user adds it: a command with arguments, or a URL with headers. */
function toolServerSchema() {
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
function toolLimitsSchema() {
    return z.strictObject({
        callTimeoutSeconds: z.number().int().min(1).max(3600),
        /** A longer result is cut to this many characters, with a note saying so. */
        maxResultChars: z.number().int().min(1000).max(1_000_000),
        maxCallsPerReply: z.number().int().min(1).max(100)
    });
}

/** A stored document as a message names it: its content hash and the file's name. */
function attachmentRefSchema() {
    return z.strictObject({id: z.string().regex(/^[0-9a-f]{64}$/), name: z.string().trim().min(1).max(255)});
}

/** Every generation setting with its allowed range; `null` means "unlimited" or "automatic". */
function generationSettingsSchema() {
    const count = (max: number) => z.number().int().min(1).max(max).nullable();
    return z.strictObject({
        temperature: z.number().min(0).max(2),
        topP: z.number().min(0).max(1),
        topK: z.number().int().min(0).max(1000),
        minP: z.number().min(0).max(1),
        repeatPenalty: z.number().min(1).max(2),
        presencePenalty: z.number().min(0).max(2),
        seed: z.number().int().min(0).max(2 ** 32 - 1).nullable(),
        maxTokens: count(1_000_000),
        thinkingBudget: count(1_000_000),
        languageLock: z.enum(languageLocks),
        contextOverflow: z.enum(["dropOldest", "stop"]),
        /** Offer the enabled MCP tools to models that can call them ("Use tools"). */
        useTools: z.boolean(),
        contextSize: z.number().int().min(256).max(1_048_576).nullable(),
        gpuLayers: z.number().int().min(0).max(1000).nullable(),
        threads: count(1024),
        batchSize: z.number().int().min(32).max(65_536).nullable(),
        /** API replies generated at once (desktop chats get one sequence more); each needs its own KV cache. */
        parallelReplies: count(32),
        /** How the KV cache stores keys and values: q8_0 holds about twice the context of f16 in the same memory. */
        kvCacheType: z.enum(kvCacheTypes)
    });
}


/** A JSON export of conversations (`chats.export` with `json`), as `chats.import` takes it back. */
function chatArchiveSchema(id: z.ZodString) {
    const time = z.number().int().nonnegative();
    const stats = z.strictObject({
        modelId: z.string().max(1000),
        contextTokens: z.number().int().nonnegative().optional(),
        droppedTurns: z.number().int().nonnegative().optional(),
        timeToFirstTokenMs: z.number().nonnegative(),
        tokensPerSecond: z.number().nonnegative(),
        thinkingMs: z.number().nonnegative(),
        thoughtTokens: z.number().int().nonnegative(),
        answerTokens: z.number().int().nonnegative(),
        stopReason: z.enum(["finished", "stopped", "budget", "length", "error", "toolCall"]),
        limit: z.strictObject({name: z.enum(["maxTokens", "context"]), tokens: z.number().int().positive()}).optional(),
        toolMs: z.number().nonnegative().optional()
    });
    const toolCall = z.strictObject({
        id,
        name: z.string().max(1000),
        serverName: z.string().max(1000).nullable(),
        arguments: z.string().max(1_000_000),
        status: z.enum(["awaitingConsent", "running", "done", "failed", "denied", "stopped"]),
        result: z.string().max(10_000_000).nullable(),
        isError: z.boolean(),
        truncatedFromChars: z.number().int().nonnegative().nullable(),
        error: failureSchema.nullable(),
        reasoningOffset: z.number().int().nonnegative(),
        textOffset: z.number().int().nonnegative(),
        segment: z.enum(["thought", "answer"]).optional(),
        durationMs: z.number().nonnegative().nullable()
    });
    const message = z.strictObject({
        id,
        chatId: id,
        parentId: id.nullable(),
        role: z.enum(["user", "assistant"]),
        text: z.string(),
        reasoning: z.string(),
        status: z.enum(["streaming", "done", "stopped", "error", "interrupted"]),
        createdAt: time,
        thinkingStartedAt: time.nullable(),
        thinkingEndedAt: time.nullable(),
        stats: stats.nullable(),
        error: failureSchema.nullable(),
        /** Absent in exports from before tools. */
        toolCalls: z.array(toolCall).max(1000).optional(),
        attachments: z.array(attachmentRefSchema().extend({
            kind: z.enum(["text", "pdf", "docx", "html"]),
            pages: z.number().int().positive().nullable(),
            tokens: z.number().int().nonnegative(),
            sizeBytes: z.number().int().nonnegative()
        })).max(20).optional(),
        sources: z.array(z.strictObject({
            attachmentId: z.string().regex(/^[0-9a-f]{64}$/),
            name: z.string().trim().min(1).max(255),
            page: z.number().int().positive().nullable(),
            piece: z.number().int().nonnegative(),
            text: z.string().max(100_000)
        })).max(100).optional()
    });
    const chat = z.strictObject({
        summary: z.strictObject({
            id,
            title: z.string().max(1000),
            createdAt: time,
            updatedAt: time,
            pinned: z.boolean(),
            systemPrompt: z.string().max(20_000),
            sendReasoning: z.boolean()
        }),
        activeLeafId: id.nullable(),
        /** The chat's own generation settings (what differs from the model's); absent when none. */
        settings: generationSettingsSchema().omit({contextSize: true, gpuLayers: true, threads: true, batchSize: true, parallelReplies: true, kvCacheType: true}).partial().optional(),
        /** Every message of the chat, every branch, parents before children. */
        messages: z.array(message).max(1_000_000)
    });
    return z.strictObject({
        format: z.literal("ponder.chats"),
        version: z.literal(1),
        chats: z.array(chat).max(100_000)
    });
}

export type RequestName = keyof typeof requestSchemas;
export type RequestArgs<N extends RequestName> = z.infer<(typeof requestSchemas)[N]>;

// ---------------------------------------------------------------------------------------------
// Values that cross the boundary.

export type Backend = "metal" | "cuda" | "vulkan" | "cpu";

export interface AppInfo {
    version: string;
    /** `desktop` inside Electron (which can reveal files and show open dialogs), `headless` for `npm run serve`. */
    shell: "desktop" | "headless";
    platform: string;
    arch: string;
    modelsDir: string;
    dataDir: string;
}

export interface SystemInfo {
    versions: {
        app: string;
        /** Null in `serve`, which runs without Electron. */
        electron: string | null;
        chromium: string | null;
        node: string;
        nodeLlamaCpp: string;
        /** llama.cpp's release tag (`b6000` or `v0.4.0`). */
        llamaCpp: string;
    };
    machine: {
        platform: string;
        arch: string;
        cpuModel: string;
        mathCores: number;
        totalRamBytes: number;
        backend: Backend;
        gpuNames: string[];
        /** 0 on the CPU. */
        vramBytes: number;
        /** Apple silicon: the GPU shares the RAM. */
        unifiedMemory: boolean;
    };
}

/** The end of Ponder's log: info and above never hold message text or document content. */
export interface LogTail {
    folder: string;
    lines: string[];
}

/**
 * The first-run pick: the first catalog candidate (by `firstRunRank`) that runs fully on the GPU,
 * else the first that runs partly on it, else a small one on the CPU.
 */
export type ModelRecommendation =
    | {status: "recommended"; entryId: string; fit: FitEstimate}
    /** Every candidate's estimate came back too large. */
    | {status: "nothingFits"}
    /** No candidate's header could be read (offline, or the hub is down); `error` says why. */
    | {status: "unreachable"; error: Failure};

export interface ModelFile {
    /** The file's path relative to the models folder; stable across restarts. */
    id: string;
    fileName: string;
    sizeBytes: number;
    /** Present when the GGUF header was read. */
    metadata?: ModelMetadata;
    /** Why the file can't be used (not a GGUF, truncated, broken metadata). */
    error?: Failure;
    /** Added from outside the models folder: deleting it only takes it off the list. */
    imported?: boolean;
}

export interface ModelMetadata {
    name: string;
    architecture: string;
    /** e.g. "Q4_K_M", from `general.file_type`. */
    quantization: string;
    parameterCount?: number;
    contextLength?: number;
    /** Whether its chat template has it reason in `<think>` before answering. */
    thinks?: boolean;
    /** An embedding model: used to search attached documents (and by `/v1/embeddings`), never loaded for chat. */
    embedding?: boolean;
}

export type RuntimeStatus = "empty" | "loading" | "ready" | "error";

export interface RuntimeState {
    status: RuntimeStatus;
    /** The model loaded, loading, or that failed to load. */
    modelId?: string;
    /** The compute backend llama.cpp runs on; known once the runtime starts. */
    backend?: Backend;
    /** Whether the model's chat template makes it reason before answering. */
    thinks?: boolean;
    chatWrapper?: string;
    contextSize?: number;
    /**
     * The user's load settings the model was loaded with (null: automatic), so the UI can say when
     * changed ones wait for a reload. Only for a model on this machine.
     */
    loadedWith?: LoadSettings;
    error?: Failure;
    /** The remote engine's name when the model runs there rather than on this machine. */
    engine?: string;
    /** Settings the loaded model's engine can't apply (a remote engine's), so the UI can say so. */
    unsupportedSettings?: GenerationSettingName[];
    /** Whether the engine can write on where a cut-short answer ended. */
    continuesReplies?: boolean;
    /** Whether the engine can close the reasoning on request ("Answer now"). */
    answersNow?: boolean;
    /** How the local API names the model: its short id (what requests put in `model`) and its display name. */
    api?: {id: string; name: string};
}

export interface ChatSummary {
    id: string;
    title: string;
    createdAt: number;
    updatedAt: number;
    pinned: boolean;
    /** Sent to the model before the conversation; empty for none. */
    systemPrompt: string;
    /** Whether earlier answers' reasoning is sent back to the model (off by default). */
    sendReasoning: boolean;
    /** Present while a reply streams into the chat or waits to start. */
    reply?: ChatReplyState;
}

/** A chat's reply in progress: generating, or waiting for a free sequence behind `ahead` others. */
export type ChatReplyState = {state: "generating"} | {state: "waiting"; ahead: number};

export type MessageRole = "user" | "assistant";
/** `interrupted`: the app stopped (crash, quit) while the message streamed. */
export type MessageStatus = "streaming" | "done" | "stopped" | "error" | "interrupted";
/** `toolCall`: the model called a tool and waits for its result (API replies; a chat runs the call and goes on). */
export type StopReason = "finished" | "stopped" | "budget" | "length" | "error" | "toolCall";

export interface MessageStats {
    modelId: string;
    /** Tokens the conversation took in the context once this reply was written (prompt and reply). */
    contextTokens?: number;
    /** Earlier messages left out of the prompt because the conversation outgrew the context. */
    droppedTurns?: number;
    timeToFirstTokenMs: number;
    tokensPerSecond: number;
    thinkingMs: number;
    thoughtTokens: number;
    answerTokens: number;
    stopReason: StopReason;
    /** For a reply cut by `length`: which limit it reached (where the engine says). */
    limit?: ReplyLimit;
    /** Time the reply spent on tool calls (asking and running), not counted as decoding. */
    toolMs?: number;
}

/** The limit a reply cut by length reached, and its size: Max tokens, or the model's context. */
export interface ReplyLimit {
    name: "maxTokens" | "context";
    tokens: number;
}

/** The user's answer to a tool call: "Allow once", "Always allow" (this tool, from now on) or "Deny". */
export type ToolConsent = "allowOnce" | "alwaysAllow" | "deny";

/** A tool call in a reply's timeline, where it happened between the reasoning and the answer. */
export interface MessageToolCall {
    id: string;
    /** The tool's name as the model called it. */
    name: string;
    /** The server whose tool ran; null when the call named no offered tool or couldn't be read. */
    serverName: string | null;
    /** The arguments as JSON (or the model's text, when it wasn't JSON). */
    arguments: string;
    status: "awaitingConsent" | "running" | "done" | "failed" | "denied" | "stopped";
    /** The result's text as the model read it (cut to the limit). */
    result: string | null;
    /** The tool itself reported a failure in its result. */
    isError: boolean;
    /** The whole result's length when it was cut; null when whole. */
    truncatedFromChars: number | null;
    /** Why it failed: a timeout, a stopped server, a call the model got wrong, the call limit. */
    error: Failure | null;
    /** Where it happened: after this much of the message's reasoning and of its answer. */
    reasoningOffset: number;
    textOffset: number;
    /** Whether the model made it inside its reasoning or in its answer; absent in messages from before it was kept. */
    segment?: "thought" | "answer";
    durationMs: number | null;
}

export interface Message {
    id: string;
    chatId: string;
    parentId: string | null;
    role: MessageRole;
    /** The answer (assistant) or the prompt (user); never contains reasoning or think tags. */
    text: string;
    reasoning: string;
    status: MessageStatus;
    createdAt: number;
    /** When the reasoning began and ended (epoch ms); null until known. */
    thinkingStartedAt: number | null;
    thinkingEndedAt: number | null;
    stats: MessageStats | null;
    error: Failure | null;
    /** The reply's tool calls, in order. */
    toolCalls: MessageToolCall[];
    /** Documents attached to a question; absent when none. */
    attachments?: Attachment[];
    /** The passages of attached documents an answer was given to read (documents too long for the context); absent when none. */
    sources?: MessageSource[];
}

/** How far the embedding of a document's passages has come. */
export interface DocumentIndexing {
    name: string;
    done: number;
    total: number;
}

/** A passage of an attached document that retrieval put before a question (cited as `[n]`, n its place from 1). */
export interface MessageSource {
    attachmentId: string;
    /** The document's name as attached. */
    name: string;
    /** The PDF page it is on; null for documents without pages. */
    page: number | null;
    /** Its place among the document's pieces, from 0. */
    piece: number;
    text: string;
}

/** A document attached to a message; its text is kept once per content hash in the data folder. */
export interface Attachment {
    /** The sha256 of the file's bytes. */
    id: string;
    name: string;
    kind: "text" | "pdf" | "docx" | "html";
    /** A PDF's page count; null for other kinds. */
    pages: number | null;
    /** What it takes of the context: counted by the model loaded when it was attached if that runs here, estimated otherwise. */
    tokens: number;
    sizeBytes: number;
}

export interface Chat {
    summary: ChatSummary;
    /** The active branch, oldest first. */
    messages: Message[];
    /** For each message of the branch that has alternatives (edits, regenerations): every version's id, oldest first. */
    alternatives: Record<string, string[]>;
}

/** A search result: one message, with a snippet of its text or reasoning around the match. */
export interface SearchHit {
    chatId: string;
    chatTitle: string;
    messageId: string;
    role: MessageRole;
    /** Which of the message's texts matched. */
    field: "text" | "reasoning";
    /** The snippet in pieces; `match` pieces are what the query found (shown highlighted). */
    snippet: Array<{text: string; match: boolean}>;
    createdAt: number;
}

/** A page of the conversation list (`chats.list`). */
export interface ChatPage {
    chats: ChatSummary[];
    /** Whether more chats follow the last one of this page. */
    more: boolean;
}

/** Where a page of the conversation list starts: after this chat in the list's order. */
export type ChatListCursor = Pick<ChatSummary, "id" | "pinned" | "updatedAt">;

/**
 * A change to the conversation list: one chat added or changed (it may have moved), one removed,
 * or so many changed at once (an import) that the list is best loaded again.
 */
export type ChatListChange =
    | {kind: "upsert"; chat: ChatSummary}
    | {kind: "remove"; chatId: string}
    | {kind: "reload"};

/** An export being written: its text comes in pieces from `chats.readExport`, so no reply holds it all. */
export interface ExportStart {
    exportId: string;
    fileName: string;
    mimeType: "text/markdown" | "application/json";
}

/** The next piece of an export's text; after the one with `done`, the export is gone. */
export interface ExportPiece {
    content: string;
    done: boolean;
}

export type ChatArchive = z.infer<ReturnType<typeof chatArchiveSchema>>;

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

/** The OpenAI-compatible API server (`/v1`) other apps on the machine use. */
/**
 * The conversation states on disk: what a chat's context holds, saved when another chat needs
 * its place and at unload, so coming back to it reads it instead of evaluating it again.
 */
export interface StateCacheInfo {
    usedBytes: number;
    budgetBytes: number;
    /** Conversations with a saved state. */
    conversations: number;
}

export interface ApiServerState {
    /** `desktop`: a setting starts and stops it; `serve`: always on, on the page's own port. */
    mode: "desktop" | "serve";
    enabled: boolean;
    /** Reachable from other devices, not only from this machine (127.0.0.1). */
    allowNetwork: boolean;
    port: number;
    /** The base address clients use, e.g. `http://127.0.0.1:8758/v1`; null while it's off. */
    url: string | null;
    /** The key clients send as `Authorization: Bearer <key>`. */
    apiKey: string;
    /** Why it isn't running although enabled (the port is taken…). */
    error: Failure | null;
}

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

export interface SendResult {
    chatId: string;
    userMessage: Message;
    assistantMessage: Message;
}

/** How a model would run here: all on the GPU, split between GPU and CPU, on the CPU alone, or not at all. */
export type FitVerdict = "gpu" | "partial" | "cpu" | "tooLarge";

/** The will-it-fit estimate, from the GGUF header and this machine's memory (KV cache included). */
export interface FitEstimate {
    verdict: FitVerdict;
    modelBytes: number;
    /** Memory needed at {@link contextSize} (or at the smallest context, when nothing fits). */
    ramBytes: number;
    vramBytes: number;
    availableRamBytes: number;
    availableVramBytes: number;
    /** The largest context (tokens per reply) that fits, up to the model's own; 0 when none does. */
    contextSize: number;
    trainContextSize: number;
    /** The parallel replies estimated for: each holds its own KV cache of {@link contextSize} tokens. */
    parallel: number;
    /** The KV cache type estimated for. */
    kvCacheType: KvCacheType;
}

/** A model of the curated catalog (assets/catalog/catalog.json). */
export interface CatalogEntry {
    id: string;
    name: string;
    family: string;
    /** `hf:owner/repo:QUANT`, resolved against the hub setting. */
    address: string;
    quantization: string;
    parameters: string;
    /** Approximate: the exact size comes from the hub when the download starts. */
    approxSizeBytes: number;
    contextLength: number;
    licence: string;
    description: string;
    recommended: {temperature: number; topP: number; topK?: number; minP?: number; note?: string};
    /** The catalog's default pick. */
    isDefault: boolean;
    /** Order in which the first-run welcome considers this model (1 first); absent: not a first-run candidate. */
    firstRunRank?: number;
    /** The description and note in other UI languages, by language tag (`zh-CN`). */
    translations?: Record<string, {description: string; note?: string}>;
    /** Facts in this entry that were not checked against the hub when the catalog was written. */
    unverified: string[];
    /** `embedding`: the model that searches attached documents too large for the context; absent: a chat model. */
    kind?: "embedding";
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

/** `paused` with an error: stopped by a full disk; Resume continues once there is room. */
export type DownloadStatus = "queued" | "downloading" | "paused" | "done" | "error";

export interface Download {
    id: string;
    /** What the user asked for: a catalog id, an `hf:` URI or a URL. */
    address: string;
    title: string;
    /** The files, in order; a split model has several parts. */
    files: Array<{name: string; sizeBytes: number}>;
    totalBytes: number;
    receivedBytes: number;
    bytesPerSecond: number;
    /** Null while unknown (paused, just started). */
    etaSeconds: number | null;
    status: DownloadStatus;
    /** Why it stopped: a full disk, a server that keeps failing, a sha256 mismatch. */
    error: Failure | null;
    /** False for plain URLs: only the hub publishes a sha256 to check against. */
    verified: boolean;
    /** The model id once it is ready. */
    modelId: string | null;
    createdAt: number;
}

// ---------------------------------------------------------------------------------------------
// Events: pushed from the main side.

/** Text appended to a streaming message since the previous delta (batched, ≤ 1 per 33 ms). */
export interface ChatDelta {
    chatId: string;
    messageId: string;
    reasoning: string;
    text: string;
    thinkingStartedAt: number | null;
    thinkingEndedAt: number | null;
    /**
     * The context tokens the conversation fills as of this delta (prompt and reply so far,
     * reasoning included), for a live context meter; absent where the engine doesn't count them.
     */
    contextTokens?: number;
}

export interface EventPayloads {
    "models.stateChanged": RuntimeState;
    "models.listChanged": ModelFile[];
    /** Every download's state; at most one event per 250 ms while bytes flow. */
    "downloads.changed": Download[];
    /** The list's chats change one at a time, so the renderer gets what changed, never the whole list. */
    "chats.listChanged": ChatListChange;
    "chats.delta": ChatDelta;
    /** A message's full state after a change of status (started, finished, stopped, failed). */
    "chats.messageUpdated": Message;
    /** A tool call of a streaming reply appeared or changed (waiting for consent, running, done). */
    "chats.toolCall": {chatId: string; messageId: string; call: MessageToolCall};
    /**
     * A reply reading documents too long for the context: while their passages are embedded,
     * `indexing` says how far (the reply's Stop cancels it); then `sources` are the passages chosen.
     */
    "chats.sources": {chatId: string; messageId: string; indexing: DocumentIndexing | null; sources: MessageSource[]};
    "engines.listChanged": RemoteEngineInfo[];
    "api.stateChanged": ApiServerState;
    /** The servers' states, tools or the limits changed. */
    "tools.changed": ToolsView;
}
export type EventName = keyof EventPayloads;

// ---------------------------------------------------------------------------------------------
// The API: results per request, and the shape both sides build from the names.

/** Generation and load settings (#5). Load options (context size, GPU layers, threads, batch size) apply at the next load. */
export type GenerationSettings = z.infer<ReturnType<typeof generationSettingsSchema>>;
export type GenerationSettingName = keyof GenerationSettings;
/** The settings that take effect when a model loads, not per reply. */
export type LoadSettings = Pick<GenerationSettings, "contextSize" | "gpuLayers" | "threads" | "batchSize" | "parallelReplies" | "kvCacheType">;
export type LanguageLock = GenerationSettings["languageLock"];
/** Which published recommendations a model's preset follows. */
export type ModelFamily = "qwq" | "deepseekR1Distill" | "qwen3" | "other";

/** A model's (and optionally a chat's) settings, layer by layer, so the UI can show what differs from the preset. */
export interface SettingsView {
    modelId: string;
    chatId?: string;
    family: ModelFamily;
    preset: GenerationSettings;
    /** What the user changed for this model (its defaults). */
    model: Partial<GenerationSettings>;
    /** What the user changed for this chat; empty without a chat. */
    chat: Partial<GenerationSettings>;
    /** preset ← model ← chat: what the next reply uses. */
    effective: GenerationSettings;
}

export interface RequestResults {
    "app.getInfo": AppInfo;
    "app.getSystem": SystemInfo;
    "app.getLogs": LogTail;
    "app.openLogsFolder": void;
    "models.list": ModelFile[];
    "models.load": RuntimeState;
    "models.unload": RuntimeState;
    "models.getState": RuntimeState;
    "models.delete": ModelFile[];
    "models.import": ModelFile[];
    "models.importPicked": ModelFile[];
    "models.reveal": void;
    "models.openFolder": void;
    "models.changeFolder": AppInfo;
    "models.estimateFit": FitEstimate;
    "catalog.list": CatalogEntry[];
    "catalog.recommend": ModelRecommendation;
    "hub.search": HubSearchPage;
    "hub.repository": HubRepository;
    "hub.getSettings": HubSettings;
    "hub.setToken": HubSettings;
    "downloads.list": Download[];
    "downloads.add": Download;
    "downloads.pause": Download;
    "downloads.resume": Download;
    "downloads.cancel": void;
    "chats.list": ChatPage;
    "chats.get": Chat;
    "chats.create": ChatSummary;
    "chats.send": SendResult;
    "attachments.begin": {uploadId: string};
    "attachments.write": void;
    "attachments.finish": Attachment;
    "chats.stop": void;
    "chats.answerNow": void;
    "chats.answerToolCall": void;
    "chats.update": ChatSummary;
    "chats.delete": void;
    "chats.restore": ChatSummary;
    "chats.search": SearchHit[];
    "chats.showMessage": Chat;
    "chats.edit": Chat;
    "chats.regenerate": Chat;
    "chats.continue": Message;
    "chats.deleteMessage": Chat;
    "chats.restoreMessage": Chat;
    "chats.export": ExportStart;
    "chats.readExport": ExportPiece;
    "chats.import": ChatSummary[];
    "settings.get": SettingsView;
    "settings.update": SettingsView;
    "engines.list": RemoteEngineInfo[];
    "engines.add": RemoteEngineInfo;
    "engines.remove": void;
    "api.getState": ApiServerState;
    "api.configure": ApiServerState;
    "api.rotateKey": ApiServerState;
    "stateCache.get": StateCacheInfo;
    "stateCache.configure": StateCacheInfo;
    "stateCache.clear": StateCacheInfo;
    "tools.list": ToolsView;
    "tools.addServer": ToolServerInfo;
    "tools.importServers": ToolServerInfo[];
    "tools.updateServer": ToolsView;
    "tools.restartServer": ToolsView;
    "tools.removeServer": ToolsView;
    "tools.updateTool": ToolsView;
    "tools.configure": ToolsView;
}

/** The main side's implementation of every request, after validation. */
export type RequestHandlers = {
    [N in RequestName]: (args: RequestArgs<N>) => Promise<RequestResults[N]>;
};

/** A request domain: the part of a name before the dot (`chats` of `chats.send`). */
export type RequestDomain = Domain<RequestName>;

/**
 * One domain's handlers by member name (`chats` → `{send, stop, …}`), the shape a core service
 * exposes for its domain; core/rpc/composeHandlers.ts joins them into {@link RequestHandlers}.
 */
export type DomainHandlers<D extends RequestDomain> = {
    [N in Extract<RequestName, `${D}.${string}`> as Member<N>]: (args: RequestArgs<N>) => Promise<RequestResults[N]>;
};

/** Every domain's handlers: one slot per request name, so the compiler refuses a missing one. */
export type HandlersByDomain = {[D in RequestDomain]: DomainHandlers<D>};

/** Wire functions of the main side: one per request name. Arguments are `unknown` until validated. */
export type MainFunctions = {
    [N in RequestName]: (args?: unknown) => Promise<RequestResults[N]>;
};

/** Wire functions of the renderer side: one per event name. */
export type RendererFunctions = {
    [E in EventName]: (payload: EventPayloads[E]) => void;
};

export type Unsubscribe = () => void;

type Domain<S extends string> = S extends `${infer D}.${string}` ? D : never;
type Member<S extends string> = S extends `${string}.${infer M}` ? M : never;
type ArgsOf<N extends RequestName> = RequestArgs<N> extends undefined ? [] : [args: RequestArgs<N>];
type EventMember<E extends string> = `on${Capitalize<Member<E>>}`;

/**
 * `window.ponder`: requests grouped by domain (`ponder.chats.send({text})`) and events as
 * `onX(listener)` returning an unsubscribe (`ponder.chats.onDelta(listener)`).
 */
export type PonderApi = {
    [D in Domain<RequestName | EventName>]:
        {[N in Extract<RequestName, `${D}.${string}`> as Member<N>]: (...args: ArgsOf<N>) => Promise<RequestResults[N]>} &
        {[E in Extract<EventName, `${D}.${string}`> as EventMember<E>]: (listener: (payload: EventPayloads[E]) => void) => Unsubscribe};
};
