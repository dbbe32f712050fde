import {randomUUID, timingSafeEqual} from "node:crypto";
import type {IncomingMessage, ServerResponse} from "node:http";
import {PonderError} from "../../contract/errors.ts";
import type {EmbeddingHost} from "../../core/documents/EmbeddingHost.ts";
import {Logger} from "../../core/logging/Logger.ts";
import type {ActiveModel, DetectedToolCall} from "../../core/replies/ReplyEngine.ts";
import {ReplyStreamer} from "../../core/replies/ReplyStreamer.ts";
import {decodePath, parseTarget} from "../guardedHttpServer.ts";
import {ApiError, apiErrorOf, sendJson} from "./ApiError.ts";
import {parseChatCompletionRequest, stopSequences, toReplyRequest, type ChatCompletionRequest} from "./chatCompletionRequest.ts";
import {encodeEmbedding, parseEmbeddingsRequest, type EmbeddingsRequest} from "./embeddingsRequest.ts";
import {StopSequenceFilter} from "./StopSequenceFilter.ts";

export interface OpenAiApiOptions {
    /** Where replies are generated: the core's ModelHost (the one loaded model, local or remote). */
    models: {readonly loaded: ActiveModel | undefined};
    /** The embedding model `POST /v1/embeddings` uses (the core's, loaded on first use); without it that path answers 404. */
    embeddings?: Pick<EmbeddingHost, "available" | "active">;
    /** The key clients send as `Authorization: Bearer <key>`; read on every request, so a rotated key applies at once. */
    apiKey: () => string;
    /** Browser origins allowed to call the API (CORS). None by default: pages of other sites are refused. */
    corsOrigins?: readonly string[];
    /** Larger request bodies are refused with 413. Defaults to 4 MiB. */
    maxBodyBytes?: number;
    /** Told of every request once it's answered (or its client went away), for a request log. */
    onRequestLog?: (entry: ApiRequestLog) => void;
    /** A failed reply, and any error the API didn't expect, is logged here with its cause. */
    logger?: Logger;
}

/** `finished`, `stopped` (a stop sequence), `length`, `toolCall` (the client runs it), or how it ended early. */
export type ApiOutcome = "finished" | "stopped" | "length" | "toolCall" | "disconnected" | "error";

export interface ApiRequestLog {
    method: string;
    path: string;
    status: number;
    model?: string;
    outcome?: ApiOutcome;
    promptTokens?: number;
    completionTokens?: number;
    reasoningTokens?: number;
}

interface ToolCallDelta {
    index: number;
    id?: string;
    type?: "function";
    function: {name?: string; arguments: string};
}
type Delta = {role?: "assistant"; content?: string; reasoning_content?: string; tool_calls?: ToolCallDelta[]};
type FinishReason = "stop" | "length" | "tool_calls";

const defaultMaxBodyBytes = 4 * 1024 * 1024;
/** The loaded model's id in `/models`, and the one the API example uses. */
function apiIdOf(model: ActiveModel): string {
    return model.api?.id ?? model.modelId;
}

/** A request may name the loaded model by its API id, by Ponder's own id (what older clients were told), or by its display name. */
function answersTo(model: ActiveModel, requested: string): boolean {
    return requested === apiIdOf(model) || requested === model.modelId || requested === model.api?.name;
}

/** nginx's status for a request whose client closed the connection before any answer. */
const clientClosedRequest = 499;

/**
 * The OpenAI-compatible API under `/v1`: `GET /v1/models`, `POST /v1/chat/completions`,
 * and `POST /v1/embeddings` (the embedding model that searches attached documents).
 * Completions are streamed as server-sent events or not. Reasoning is returned apart from the answer, as
 * `reasoning_content` (DeepSeek's shape), so think tags never reach `content`. Requests run
 * concurrently, batched on the loaded model with each other and with desktop chats; past the
 * model's parallel replies they wait, behind any desktop chat, and a request whose client
 * leaves while it waits is dropped without evaluating anything.
 *
 * Tools (`tools`, `tool_choice: auto`) are the client's: the model's calls end the response
 * with `tool_calls` (all it wrote one after another, or the first with `parallel_tool_calls:
 * false`; `finish_reason: tool_calls`), and the client runs them and sends the results back as
 * `tool` messages. Ponder runs no tool for an API client.
 */
export class OpenAiApi {
    readonly #options: OpenAiApiOptions;
    readonly #logger: Logger;
    readonly #startedAt = Math.floor(Date.now() / 1000);

    constructor(options: OpenAiApiOptions) {
        this.#options = options;
        this.#logger = options.logger ?? Logger.silent();
    }

    static handles(request: IncomingMessage): boolean {
        const pathname = parseTarget(request)?.pathname;
        return pathname != null && (pathname === "/v1" || pathname.startsWith("/v1/"));
    }

    /** Answers one `/v1` request; never throws. Logs it once its work has ended and its connection is done with it. */
    async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
        const pathname = parseTarget(request)?.pathname ?? "";
        const log: ApiRequestLog = {method: request.method ?? "", path: pathname, status: 0};
        // Whether the whole answer was written, and whether its headers were, when the connection ended.
        const delivered = new Promise<{finished: boolean; headersSent: boolean}>((resolve) =>
            response.once("close", () => resolve({finished: response.writableFinished, headersSent: response.headersSent})));
        await this.#answer(request, response, pathname, log);
        const {finished, headersSent} = await delivered;
        // A client that left before the answer was complete: the log says so, not a status it never got.
        log.status = headersSent ? response.statusCode : clientClosedRequest;
        if (!finished)
            log.outcome = "disconnected";
        this.#options.onRequestLog?.(log);
    }

    async #answer(request: IncomingMessage, response: ServerResponse, pathname: string, log: ApiRequestLog): Promise<void> {
        const cors = this.#corsHeaders(request);
        try {
            if (cors == null)
                throw new ApiError(403, "Requests from web pages of other origins are refused; allow the origin in Ponder's API settings.", {code: "origin_not_allowed"});
            if (request.method === "OPTIONS") {
                response.writeHead(204, {...cors, "Access-Control-Allow-Methods": "GET, POST, OPTIONS", "Access-Control-Allow-Headers": "authorization, content-type", "Access-Control-Max-Age": "600"});
                return void response.end();
            }
            this.#authorize(request);
            if (pathname === "/v1/models" || pathname.startsWith("/v1/models/")) {
                expectMethod(request, "GET");
                return await this.#models(response, cors, pathname === "/v1/models" ? undefined : decodeModelId(pathname.slice("/v1/models/".length)));
            }
            if (pathname === "/v1/chat/completions") {
                expectMethod(request, "POST");
                const body = await readJsonBody(request, this.#options.maxBodyBytes ?? defaultMaxBodyBytes);
                return await this.#chatCompletion(parseChatCompletionRequest(body), response, cors, log);
            }
            if (pathname === "/v1/embeddings") {
                expectMethod(request, "POST");
                const body = await readJsonBody(request, this.#options.maxBodyBytes ?? defaultMaxBodyBytes);
                return await this.#embeddings(parseEmbeddingsRequest(body), response, cors, log);
            }
            throw new ApiError(404, `Unknown API path ${pathname}. Ponder serves GET /v1/models, POST /v1/chat/completions and POST /v1/embeddings.`, {type: "not_found_error", code: "unknown_url"});
        } catch (error) {
            // An ApiError is an answer the API chose (and a failed reply was logged where it failed).
            if (!(error instanceof ApiError))
                this.#logger.error("A /v1 request failed", {path: pathname, cause: error});
            const apiError = apiErrorOf(error);
            if (!response.headersSent)
                // A refused body may still be arriving: close the connection rather than read it.
                sendJson(response, apiError.status, apiError.body, {...cors, ...(apiError.status === 413 ? {Connection: "close"} : {})});
            else
                response.end();
        }
    }

    #authorize(request: IncomingMessage) {
        const header = request.headers.authorization ?? "";
        const match = /^Bearer\s+(.+)$/i.exec(header);
        if (match == null)
            throw new ApiError(401, "Missing API key: send it as `Authorization: Bearer <key>`. Ponder shows the key where the API is switched on.", {code: "invalid_api_key"});
        const offered = Buffer.from(match[1]!.trim());
        const expected = Buffer.from(this.#options.apiKey());
        if (offered.length !== expected.length || !timingSafeEqual(offered, expected))
            throw new ApiError(401, "Incorrect API key provided.", {code: "invalid_api_key"});
    }

    /** Headers for an allowed caller, or undefined for a page of a foreign origin. Non-browser clients send no Origin. */
    #corsHeaders(request: IncomingMessage): Record<string, string> | undefined {
        const origin = request.headers.origin;
        if (origin == null)
            return {};
        if (!(this.#options.corsOrigins ?? []).includes(origin))
            return undefined;
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"};
    }

    async #models(response: ServerResponse, cors: Record<string, string>, id: string | undefined) {
        const loaded = this.#options.models.loaded;
        const embedding = await this.#options.embeddings?.available();
        // `name` is not OpenAI's, but clients that show a model list use it when it's there.
        const chat = loaded == null ? [] : [{id: apiIdOf(loaded), name: loaded.api?.name ?? loaded.modelId, object: "model", created: this.#startedAt, owned_by: "ponder"}];
        const models = [...chat, ...(embedding == null ? [] : [{id: embedding, object: "model", created: this.#startedAt, owned_by: "ponder"}])];
        if (id == null)
            return sendJson(response, 200, {object: "list", data: models}, cors);
        const model = loaded != null && answersTo(loaded, id) ? chat[0] : models.find((candidate) => candidate.id === id);
        if (model == null)
            throw modelNotFound(id, loaded == null ? undefined : apiIdOf(loaded));
        sendJson(response, 200, model, cors);
    }

    async #embeddings(body: EmbeddingsRequest, response: ServerResponse, cors: Record<string, string>, log: ApiRequestLog) {
        log.model = body.model;
        const available = await this.#options.embeddings?.available();
        if (available == null || available !== body.model)
            throw new ApiError(404, `The embedding model \`${body.model}\` is not in Ponder's library. ${available == null
                ? "Download an embedding model (the catalog has one) in the Models view."
                : `The embedding model is \`${available}\`.`}`, {type: "not_found_error", param: "model", code: "model_not_found"});
        let active;
        try {
            active = await this.#options.embeddings!.active();
        } catch (error) {
            this.#logger.warn("The embedding model could not be opened for /v1", {model: body.model, cause: error});
            throw error instanceof PonderError ? apiErrorOf(error, 503) : new ApiError(503, (error as Error).message, {type: "server_error", code: "model_not_available"});
        }
        const inputs = typeof body.input === "string" ? [body.input] : body.input;
        const data = [];
        let tokens = 0;
        // One at a time: llama.cpp's embedding context has one sequence.
        for (const [index, input] of inputs.entries()) {
            tokens += active.model.countTokens(input);
            data.push({object: "embedding", index, embedding: encodeEmbedding(await active.model.embed(input), body.encoding_format ?? "float")});
        }
        log.promptTokens = tokens;
        sendJson(response, 200, {object: "list", data, model: body.model, usage: {prompt_tokens: tokens, total_tokens: tokens}}, cors);
    }

    async #chatCompletion(body: ChatCompletionRequest, response: ServerResponse, cors: Record<string, string>, log: ApiRequestLog) {
        log.model = body.model;
        const active = this.#options.models.loaded;
        if (active == null || !answersTo(active, body.model))
            throw modelNotFound(body.model, active == null ? undefined : apiIdOf(active));
        const request = toReplyRequest(body);
        if (request.tools != null && !active.model.capabilities.callsTools)
            throw new ApiError(400, `The model \`${apiIdOf(active)}\` can't call tools: its chat template has no tool-call format Ponder reads. Send the request without \`tools\`.`,
                {param: "tools", code: "tools_not_supported"});

        const controller = new AbortController();
        let disconnected = false;
        response.once("close", () => {
            if (!response.writableFinished) {
                disconnected = true;
                controller.abort();
            }
        });
        const stop = new StopSequenceFilter(stopSequences(body));
        const id = `chatcmpl-${randomUUID()}`;
        const created = Math.floor(Date.now() / 1000);
        const stream = body.stream === true;
        let content = "";
        let streamStarted = false;

        const writeChunk = (delta: Delta, finishReason: FinishReason | null = null) => {
            if (response.destroyed)
                return;
            if (!streamStarted) {
                streamStarted = true;
                // Headers wait for the first token, so an error before it (a prompt too long) still gets its 4xx.
                response.writeHead(200, {...cors, "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"});
                writeChunk({role: "assistant", content: ""});
            }
            writeEvent(response, {id, object: "chat.completion.chunk", created, model: body.model, choices: [{index: 0, delta, logprobs: null, finish_reason: finishReason}]});
        };
        const addAnswer = (text: string) => {
            if (text === "")
                return;
            content += text;
            if (stream)
                writeChunk({content: text});
        };

        // Every piece goes out as it comes (no batching): an API client reads tokens as they are made.
        const streamer = new ReplyStreamer({
            modelId: active.modelId,
            deltaIntervalMs: 0,
            onDelta: (delta) => {
                if (stop.stopped)
                    return;
                if (delta.reasoning !== "" && stream)
                    writeChunk({reasoning_content: delta.reasoning});
                if (delta.text === "")
                    return;
                addAnswer(stop.push(delta.text));
                if (stop.stopped)
                    controller.abort();
            }
        });
        const finished = await streamer.run(active.model, request, controller.signal);
        const result = finished.counts;
        if (result == null) {
            const error = finished.error!;
            log.outcome = disconnected ? "disconnected" : "error";
            if (!disconnected)
                this.#logger.warn("A /v1 reply failed", {model: body.model, cause: error});
            const apiError = error instanceof PonderError && (error.code === "reply.conversationTooLong" || error.code === "reply.lastMessageTooLong")
                ? new ApiError(400, error.message, {param: "messages", code: "context_length_exceeded"})
                : apiErrorOf(error);
            if (!streamStarted)
                throw apiError;
            writeEvent(response, apiError.body);
            response.end();
            return;
        }
        addAnswer(stop.end());
        const reasoning = finished.reasoning;
        const toolCalls: ApiToolCall[] = [];
        const written = stop.stopped ? [] : result.toolCalls ?? [];
        for (const call of body.parallel_tool_calls === false ? written.slice(0, 1) : written) {
            const readable = apiToolCall(call);
            // A call the client can't read (not JSON, no name) is shown as the model wrote it.
            if (readable == null)
                addAnswer(call.body.trim());
            else
                toolCalls.push(readable);
        }
        const toolCall = toolCalls[0];

        const finishReason: FinishReason = toolCall != null ? "tool_calls" : result.stopReason === "length" && !stop.stopped ? "length" : "stop";
        const usage = {
            prompt_tokens: result.promptTokens,
            completion_tokens: result.reasoningTokens + result.answerTokens,
            total_tokens: result.promptTokens + result.reasoningTokens + result.answerTokens,
            prompt_tokens_details: {cached_tokens: result.reusedPromptTokens},
            completion_tokens_details: {reasoning_tokens: result.reasoningTokens}
        };
        Object.assign(log, {
            outcome: disconnected ? "disconnected" : stop.stopped ? "stopped" : toolCall != null ? "toolCall" : result.stopReason === "length" ? "length" : "finished",
            promptTokens: usage.prompt_tokens,
            completionTokens: usage.completion_tokens,
            reasoningTokens: result.reasoningTokens
        } satisfies Partial<ApiRequestLog>);
        if (disconnected)
            return;

        if (!stream) {
            return sendJson(response, 200, {
                id,
                object: "chat.completion",
                created,
                model: body.model,
                choices: [{
                    index: 0,
                    message: {
                        role: "assistant",
                        // OpenAI's clients expect null content beside a call with no text.
                        content: toolCall != null && content === "" ? null : content,
                        reasoning_content: reasoning,
                        ...(toolCall == null ? {} : {tool_calls: toolCalls.map((call) => ({id: call.id, type: "function", function: {name: call.name, arguments: call.arguments}}))})
                    },
                    logprobs: null,
                    finish_reason: finishReason
                }],
                usage
            }, cors);
        }
        for (const [index, call] of toolCalls.entries()) {
            // OpenAI's shape: the first delta of a call names it, the next ones carry its arguments.
            writeChunk({tool_calls: [{index, id: call.id, type: "function", function: {name: call.name, arguments: ""}}]});
            writeChunk({tool_calls: [{index, function: {arguments: call.arguments}}]});
        }
        writeChunk({}, finishReason);
        if (body.stream_options?.include_usage === true)
            writeEvent(response, {id, object: "chat.completion.chunk", created, model: body.model, choices: [], usage});
        response.end("data: [DONE]\n\n");
    }
}

interface ApiToolCall {
    id: string;
    name: string;
    arguments: string;
}

/** The model's call as OpenAI's `tool_calls` entry, or undefined when it isn't a JSON object with a name (Hermes: `{"name", "arguments"}`). */
function apiToolCall(call: DetectedToolCall): ApiToolCall | undefined {
    let value: unknown;
    try {
        value = JSON.parse(call.body);
    } catch {
        return undefined;
    }
    if (typeof value !== "object" || value == null || typeof (value as {name?: unknown}).name !== "string")
        return undefined;
    const {name, arguments: args} = value as {name: string; arguments?: unknown};
    // OpenAI sends arguments as a JSON string; a model that wrote them as a string already keeps it.
    return {id: `call_${randomUUID().replaceAll("-", "")}`, name, arguments: typeof args === "string" ? args : JSON.stringify(args ?? {})};
}

function writeEvent(response: ServerResponse, data: unknown) {
    if (!response.destroyed)
        response.write(`data: ${JSON.stringify(data)}\n\n`);
}

function expectMethod(request: IncomingMessage, method: string) {
    if (request.method !== method)
        throw new ApiError(405, `Use ${method} for this path.`, {code: "method_not_allowed"});
}

function decodeModelId(encoded: string): string {
    const id = decodePath(encoded);
    if (id == null)
        throw new ApiError(400, "The model name in the address has malformed percent-encoding.", {param: "model", code: "invalid_model_name"});
    return id;
}

function modelNotFound(requested: string, loaded: string | undefined) {
    const hint = loaded == null ? "No model is loaded in Ponder: load one first." : `The loaded model is \`${loaded}\`.`;
    return new ApiError(404, `The model \`${requested}\` does not exist or is not loaded. ${hint}`, {type: "not_found_error", param: "model", code: "model_not_found"});
}

/** Reads and parses a JSON body, refusing one larger than `limit` bytes without reading the rest. */
function readJsonBody(request: IncomingMessage, limit: number): Promise<unknown> {
    const tooLarge = () => new ApiError(413, `The request body is larger than ${limit} bytes.`, {code: "request_too_large"});
    if (Number(request.headers["content-length"] ?? 0) > limit)
        return Promise.reject(tooLarge());
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const onData = (chunk: Buffer) => {
            size += chunk.length;
            if (size > limit) {
                request.off("data", onData);
                request.off("end", onEnd);
                reject(tooLarge());
                return;
            }
            chunks.push(chunk);
        };
        const onEnd = () => {
            try {
                resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
            } catch {
                reject(new ApiError(400, "We could not parse the JSON body of your request. Send valid JSON with `Content-Type: application/json`.", {code: "invalid_json"}));
            }
        };
        request.on("data", onData);
        request.on("end", onEnd);
        request.once("error", reject);
        // A client gone mid-body never sends its end; without this the request would wait forever.
        request.once("close", () => reject(new ApiError(400, "The client closed the connection before sending the whole body.", {code: "incomplete_body"})));
    });
}
