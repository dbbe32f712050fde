import {PonderError} from "../../contract/errors.ts";
import {loadSettingNames} from "../../contract/settings.ts";
import {ReasoningSegmenter, type SegmentChunk} from "../../../native/index.ts";
import type {EngineCapabilities, EngineReply, ReplyEngine, ReplyListener, ReplyRequest} from "../replies/ReplyEngine.ts";
import {remoteMessages, remoteTools, RemoteToolCalls, type RemoteToolCallDelta} from "./remoteTools.ts";

export interface RemoteEndpoint {
    /** The OpenAI-compatible base address, e.g. `http://gpu-box:8000/v1`. */
    baseUrl: string;
    apiKey?: string;
}


interface StreamChunk {
    choices?: Array<{
        delta?: {content?: string | null; reasoning_content?: string | null; reasoning?: string | null; tool_calls?: RemoteToolCallDelta[] | null};
        finish_reason?: string | null;
    }>;
    usage?: {prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: {cached_tokens?: number}; completion_tokens_details?: {reasoning_tokens?: number}} | null;
    error?: {message?: string};
}

/**
 * What an OpenAI-compatible API can't be asked for: the repeat penalty, language lock and
 * overflow policy are Ponder's own, and every load option (the KV cache type, draft model and
 * prompt lookup too) belongs to the server. Tools are passed through in OpenAI's form; a server
 * that doesn't take them says so, and its message is shown.
 */
const remoteCapabilities: EngineCapabilities = {
    unsupportedSettings: ["repeatPenalty", "languageLock", "contextOverflow", ...loadSettingNames],
    continuesReplies: false,
    answersNow: false,
    callsTools: true
};

/** A model an engine lists. */
export interface RemoteModel {
    id: string;
    name: string;
    ownedBy?: string;
}

/** How long listing models may take before the engine counts as unreachable. */
const listTimeoutMs = 10_000;

/**
 * A serving engine that speaks OpenAI's API (vLLM, SGLang, llama.cpp's server, Ollama, Ponder's
 * own `/v1`): lists its models and streams replies from them. Reasoning is taken from
 * `reasoning_content` (DeepSeek, vLLM), `reasoning` (Ollama, OpenRouter) or think tags inside
 * `content` (servers without a reasoning parser), so it reaches the UI exactly as a local model's.
 */
export class RemoteEngine {
    readonly baseUrl: string;
    readonly #apiKey: string | undefined;

    constructor(endpoint: RemoteEndpoint) {
        this.baseUrl = normalizeBaseUrl(endpoint.baseUrl);
        this.#apiKey = endpoint.apiKey || undefined;
    }

    /** The engine's models: the id requests use, the display name where the server gives one (`name`), and `owned_by`. */
    async listModels(): Promise<RemoteModel[]> {
        const response = await this.#request("/models", {method: "GET", signal: AbortSignal.timeout(listTimeoutMs)});
        const body = await response.json() as {data?: Array<{id?: unknown; name?: unknown; owned_by?: unknown}>};
        if (!Array.isArray(body.data))
            throw new PonderError("engine.notOpenAi", {address: this.baseUrl});
        return body.data.filter((model) => typeof model.id === "string").map((model) => ({
            id: model.id as string,
            name: typeof model.name === "string" && model.name.trim() !== "" ? model.name : model.id as string,
            ...(typeof model.owned_by === "string" ? {ownedBy: model.owned_by} : {})
        }));
    }

    /**
     * One of the engine's models as a {@link ReplyEngine}. Replies are requested concurrently,
     * each on its own connection; the engine batches or queues them itself.
     */
    model(name: string): ReplyEngine {
        return {
            capabilities: remoteCapabilities,
            generate: (request, listener, signal) => this.#generate(name, request, listener, signal),
            dispose: async () => undefined
        };
    }

    async #generate(model: string, request: ReplyRequest, listener: ReplyListener, signal: AbortSignal): Promise<EngineReply> {
        if (request.continueLastTurn)
            throw new PonderError("engine.cantContinue");
        const {sampling = {}} = request;
        const body = {
            model,
            // Earlier reasoning stays here: DeepSeek's API refuses `reasoning_content` in requests.
            messages: remoteMessages(request.turns),
            ...(request.tools == null ? {} : {tools: remoteTools(request.tools)}),
            stream: true,
            stream_options: {include_usage: true},
            ...definedOnly({
                temperature: sampling.temperature,
                top_p: sampling.topP,
                top_k: sampling.topK,
                min_p: sampling.minP,
                seed: sampling.seed,
                presence_penalty: sampling.presencePenalty,
                frequency_penalty: sampling.frequencyPenalty,
                max_tokens: request.maxTokens,
                // The name every Ponder's /v1 reads (newer ones also take `reasoning_budget`).
                thinking_budget: request.reasoningBudget
            })
        };
        // Servers without a reasoning parser leave `<think>…</think>` in the content.
        const segmenter = new ReasoningSegmenter({openTag: "<think>", closeTag: "</think>", startInReasoning: false});
        let firstTokenAt: number | undefined;
        let reasoningDeltas = 0;
        let answerDeltas = 0;
        let finishReason: string | null | undefined;
        let usage: StreamChunk["usage"];
        const toolCalls = new RemoteToolCalls();
        const emit = (chunks: SegmentChunk[]) => {
            for (const chunk of chunks) {
                if (chunk.segment === "reasoning")
                    reasoningDeltas++;
                else
                    answerDeltas++;
                listener.onChunk(chunk.segment, chunk.text);
            }
        };

        let stopped = false;
        try {
            const response = await this.#request("/chat/completions", {method: "POST", body: JSON.stringify(body), signal});
            for await (const chunk of readServerSentEvents(response)) {
                if (chunk.error != null)
                    throw chunk.error.message == null ? new PonderError("engine.failedWithoutReason") : new PonderError("engine.failed", {reason: chunk.error.message});
                usage = chunk.usage ?? usage;
                const choice = chunk.choices?.[0];
                if (choice == null)
                    continue;
                finishReason = choice.finish_reason ?? finishReason;
                const reasoning = choice.delta?.reasoning_content ?? choice.delta?.reasoning;
                const content = choice.delta?.content;
                if (reasoning || content)
                    firstTokenAt ??= performance.now();
                if (reasoning)
                    emit([{segment: "reasoning", text: reasoning}]);
                if (content)
                    emit(segmenter.push(content));
                for (const call of choice.delta?.tool_calls ?? [])
                    toolCalls.add(call);
            }
        } catch (error) {
            if (!signal.aborted)
                throw error;
            stopped = true;
        }
        emit(segmenter.end());
        const calls = stopped ? [] : toolCalls.all();

        // Token counts come from the engine's usage when it reports them, else one per streamed piece.
        const completionTokens = usage?.completion_tokens ?? reasoningDeltas + answerDeltas;
        const reasoningTokens = usage?.completion_tokens_details?.reasoning_tokens ?? (usage?.completion_tokens == null ? reasoningDeltas : 0);
        return {
            stopReason: stopped ? "stopped" : calls.length > 0 ? "toolCall" : finishReason === "length" ? "length" : "finished",
            reasoningCutByBudget: false,
            promptTokens: usage?.prompt_tokens ?? 0,
            droppedTurns: 0,
            reusedPromptTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
            reasoningTokens,
            answerTokens: completionTokens - reasoningTokens,
            ...(firstTokenAt == null ? {} : {firstTokenAt}),
            ...(calls.length === 0 ? {} : {toolCalls: calls})
        };
    }

    async #request(path: string, init: RequestInit): Promise<Response> {
        let response: Response;
        try {
            response = await fetch(this.baseUrl + path, {
                ...init,
                headers: {
                    "Content-Type": "application/json",
                    Accept: path === "/models" ? "application/json" : "text/event-stream",
                    ...(this.#apiKey == null ? {} : {Authorization: `Bearer ${this.#apiKey}`})
                }
            });
        } catch (error) {
            if (init.signal?.aborted && (error as Error).name === "AbortError")
                throw error;
            throw new PonderError("net.unreachable", {host: this.baseUrl, reason: (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}, {cause: error});
        }
        if (!response.ok) {
            const text = await response.text().catch(() => "");
            let message = text.slice(0, 500);
            try {
                message = (JSON.parse(text) as {error?: {message?: string}}).error?.message ?? message;
            } catch {
                // Not JSON: the text itself is the best explanation there is.
            }
            throw message === ""
                ? new PonderError("engine.answered", {address: this.baseUrl, status: String(response.status)})
                : new PonderError("engine.answeredWith", {address: this.baseUrl, status: String(response.status), reason: message});
        }
        return response;
    }
}

/** `http://host:8000` and `http://host:8000/` mean `http://host:8000/v1`, as for OpenAI's own clients. */
function normalizeBaseUrl(baseUrl: string): string {
    const url = new URL(baseUrl.trim());
    if (url.protocol !== "http:" && url.protocol !== "https:")
        throw new PonderError("engine.addressScheme");
    if (url.pathname === "/" || url.pathname === "")
        url.pathname = "/v1";
    url.search = "";
    url.hash = "";
    return url.href.replace(/\/+$/, "");
}

function definedOnly(fields: Record<string, number | undefined>): Record<string, number> {
    return Object.fromEntries(Object.entries(fields).filter(([, value]) => value != null)) as Record<string, number>;
}

/** The `data:` payloads of an SSE response, parsed, until `[DONE]`. */
async function* readServerSentEvents(response: Response): AsyncGenerator<StreamChunk> {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(bytes, {stream: true});
        let newline: number;
        while ((newline = buffer.indexOf("\n")) >= 0) {
            const line = buffer.slice(0, newline).replace(/\r$/, "");
            buffer = buffer.slice(newline + 1);
            if (!line.startsWith("data:"))
                continue;
            const data = line.slice(5).trim();
            if (data === "[DONE]")
                return;
            yield JSON.parse(data) as StreamChunk;
        }
    }
}
