import {z} from "zod";
import type {ReplyRequest, ReplyTurn, ToolDefinition} from "../../core/replies/ReplyEngine.ts";
import {ApiError} from "./ApiError.ts";
import {toolTurns} from "./toolTurns.ts";

const textPart = z.looseObject({type: z.literal("text"), text: z.string()});
const content = z.union([z.string(), z.array(textPart)]);

/** The name rules OpenAI sets for a function, so a client's tools work on both. */
const functionName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, {error: "A function name is 1 to 64 letters, digits, underscores or dashes."});

const toolCall = z.looseObject({
    id: z.string().min(1),
    type: z.literal("function"),
    function: z.looseObject({
        name: functionName,
        arguments: z.string().refine(isJsonObject, {error: "The arguments are a JSON object, written as a string."})
    })
});

const message = z.discriminatedUnion("role", [
    // `developer` is the newer name OpenAI gives the system role.
    z.looseObject({role: z.enum(["system", "developer", "user"]), content: content.nullish()}),
    z.looseObject({
        role: z.literal("assistant"),
        content: content.nullish(),
        /** An earlier answer's reasoning, as DeepSeek's API returns it. */
        reasoning_content: z.string().nullish(),
        tool_calls: z.array(toolCall).nullish()
    }),
    /** A tool's result, answering the call of the assistant message before it that has this id. */
    z.looseObject({role: z.literal("tool"), tool_call_id: z.string().min(1), content})
], {error: "A message's `role` is system, developer, user, assistant or tool."});

const tool = z.looseObject({
    type: z.literal("function"),
    function: z.looseObject({
        name: functionName,
        description: z.string().nullish(),
        /** JSON Schema of the arguments; the model's template shows it. */
        parameters: z.record(z.string(), z.unknown()).nullish(),
        strict: z.boolean().nullish()
    })
});

const toolChoice = z.union([
    z.enum(["none", "auto", "required"]),
    z.looseObject({type: z.literal("function"), function: z.looseObject({name: functionName})})
]);

const maxTokens = z.number().int().positive().nullish();

/**
 * `POST /v1/chat/completions`: the fields Ponder honours. Unknown fields are ignored, as
 * OpenAI-compatible servers do, so clients that send extras (`user`, `metadata`…) still work;
 * fields whose meaning Ponder can't provide (`n` > 1, a forced tool call) are refused rather
 * than ignored.
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
    reasoning_budget: z.number().int().min(0).nullish(),
    /** `reasoning_budget` by its first name, which clients and Ponder's remote engines send. */
    thinking_budget: z.number().int().min(0).nullish(),
    n: z.literal(1, {error: "Ponder generates one choice per request: `n` must be 1."}).nullish(),
    tools: z.array(tool).max(128).nullish(),
    tool_choice: toolChoice.nullish(),
    /** `false`: only the model's first call of a response is returned. */
    parallel_tool_calls: z.boolean().nullish()
}).superRefine((request, context) => {
    const names = new Set<string>();
    for (const [index, entry] of (request.tools ?? []).entries()) {
        if (names.has(entry.function.name))
            context.addIssue({code: "custom", path: ["tools", index, "function", "name"], message: `Two tools are named "${entry.function.name}"; each name is given once.`});
        names.add(entry.function.name);
    }
    const choice = request.tool_choice;
    if (choice == null || choice === "none" || choice === "auto")
        return;
    if (names.size === 0)
        context.addIssue({code: "custom", path: ["tool_choice"], message: "`tool_choice` asks for a call, but the request offers no `tools`."});
    else if (typeof choice === "object" && !names.has(choice.function.name))
        context.addIssue({code: "custom", path: ["tool_choice", "function", "name"], message: `"${choice.function.name}" is not one of the request's tools.`});
    else
        // Ponder lets the model decide; forcing a call would need a grammar over the whole reasoning.
        context.addIssue({code: "custom", path: ["tool_choice"], message: "Ponder can't force a tool call: send `auto` (the model decides) or `none`."});
});

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

/** `reasoning_effort` as a reasoning budget in tokens; `high` leaves the reasoning unbounded. */
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

/** The tools the model is offered, by name; none when the request has none or says `none`. */
export function offeredTools(request: ChatCompletionRequest): Record<string, ToolDefinition> | undefined {
    if (request.tools == null || request.tools.length === 0 || request.tool_choice === "none")
        return undefined;
    return Object.fromEntries(request.tools.map(({function: tool}) => [tool.name, {
        ...(tool.description == null ? {} : {description: tool.description}),
        ...(tool.parameters == null ? {} : {parameters: tool.parameters})
    }]));
}

/** The reply a request asks for; API clients' replies queue behind those of the person at the keyboard. */
export function toReplyRequest(request: ChatCompletionRequest): ReplyRequest {
    const turns: ReplyTurn[] = toolTurns(request.messages.map((entry) => ({
        ...entry,
        role: entry.role === "developer" ? "system" : entry.role,
        text: textOf(entry.content)
    })));
    const reasoningBudget = request.reasoning_budget ?? request.thinking_budget ?? (request.reasoning_effort == null ? undefined : effortBudgets[request.reasoning_effort]);
    const tools = offeredTools(request);
    return {
        turns,
        priority: "background",
        maxTokens: request.max_completion_tokens ?? request.max_tokens ?? undefined,
        reasoningBudget,
        sampling: {
            temperature: request.temperature ?? undefined,
            topP: request.top_p ?? undefined,
            seed: request.seed ?? undefined,
            presencePenalty: request.presence_penalty ?? undefined,
            frequencyPenalty: request.frequency_penalty ?? undefined
        },
        ...(tools == null ? {} : {tools})
    };
}

export function stopSequences(request: ChatCompletionRequest): string[] {
    return request.stop == null ? [] : typeof request.stop === "string" ? [request.stop] : request.stop;
}

function textOf(value: z.infer<typeof content> | null | undefined): string {
    return typeof value === "string" ? value : (value ?? []).map((part) => part.text).join("");
}

function isJsonObject(text: string): boolean {
    try {
        const value: unknown = JSON.parse(text);
        return typeof value === "object" && value != null && !Array.isArray(value);
    } catch {
        return false;
    }
}
