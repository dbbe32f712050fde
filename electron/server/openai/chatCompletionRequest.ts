import {z} from "zod";
import type {ReplyRequest, ReplyTurn} from "../../core/replies/ReplyEngine.ts";
import {ApiError} from "./ApiError.ts";

const textPart = z.looseObject({type: z.literal("text"), text: z.string()});
const content = z.union([z.string(), z.array(textPart)]);

const message = z.looseObject({
    // `developer` is the newer name OpenAI gives the system role.
    role: z.enum(["system", "developer", "user", "assistant"]),
    content: content.nullish(),
    /** An earlier answer's reasoning, as DeepSeek's API returns it. */
    reasoning_content: z.string().nullish()
});

const maxTokens = z.number().int().positive().nullish();

/**
 * `POST /v1/chat/completions`: the fields Ponder honours. Unknown fields are ignored, as
 * OpenAI-compatible servers do, so clients that send extras (`user`, `metadata`…) still work;
 * fields whose meaning Ponder can't provide (`n` > 1, tools) are refused rather than ignored.
 */
export const chatCompletionRequestSchema = z.looseObject({
    model: z.string().min(1),
    messages: z.array(message).min(1),
    stream: z.boolean().nullish(),
    stream_options: z.looseObject({include_usage: z.boolean().nullish()}).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    max_tokens: maxTokens,
    max_completion_tokens: maxTokens,
    stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
    seed: z.number().int().nullish(),
    presence_penalty: z.number().min(-2).max(2).nullish(),
    frequency_penalty: z.number().min(-2).max(2).nullish(),
    reasoning_effort: z.enum(["none", "minimal", "low", "medium", "high"]).nullish(),
    /** Ponder's extension: reasoning tokens at most, after which the model is made to answer. */
    thinking_budget: z.number().int().min(0).nullish(),
    n: z.literal(1, {error: "Ponder generates one choice per request: `n` must be 1."}).nullish(),
    tools: z.array(z.unknown()).max(0, {error: "Ponder does not support tool calls."}).nullish()
});

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

/** `reasoning_effort` as a thinking budget in tokens; `high` leaves the reasoning unbounded. */
const effortBudgets = {none: 0, minimal: 0, low: 1024, medium: 8192, high: undefined} as const;

export function parseChatCompletionRequest(body: unknown): ChatCompletionRequest {
    const parsed = chatCompletionRequestSchema.safeParse(body);
    if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const param = issue.path.join(".");
        throw new ApiError(400, param === "" ? issue.message : `Invalid \`${param}\`: ${issue.message}`, {param: param || null, code: "invalid_value"});
    }
    return parsed.data;
}

/** The reply a request asks for; API clients' replies queue behind those of the person at the keyboard. */
export function toReplyRequest(request: ChatCompletionRequest): ReplyRequest {
    const turns: ReplyTurn[] = request.messages.map((entry) => ({
        role: entry.role === "developer" ? "system" : entry.role,
        text: typeof entry.content === "string" ? entry.content : (entry.content ?? []).map((part) => part.text).join(""),
        ...(entry.role === "assistant" && entry.reasoning_content ? {reasoning: entry.reasoning_content} : {})
    }));
    const thoughtBudget = request.thinking_budget ?? (request.reasoning_effort == null ? undefined : effortBudgets[request.reasoning_effort]);
    return {
        turns,
        priority: "background",
        maxTokens: request.max_completion_tokens ?? request.max_tokens ?? undefined,
        thoughtBudget,
        sampling: {
            temperature: request.temperature ?? undefined,
            topP: request.top_p ?? undefined,
            seed: request.seed ?? undefined,
            presencePenalty: request.presence_penalty ?? undefined,
            frequencyPenalty: request.frequency_penalty ?? undefined
        }
    };
}

export function stopSequences(request: ChatCompletionRequest): string[] {
    return request.stop == null ? [] : typeof request.stop === "string" ? [request.stop] : request.stop;
}
