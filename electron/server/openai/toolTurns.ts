import type {AssistantPart, ReplyTurn} from "../../core/replies/ReplyEngine.ts";
import {ApiError} from "./ApiError.ts";

/** A request's message, its text already joined. */
export interface ApiMessage {
    role: "system" | "user" | "assistant" | "tool";
    text: string;
    reasoning_content?: string | null;
    tool_calls?: ReadonlyArray<{id: string; function: {name: string; arguments: string}}> | null;
    tool_call_id?: string;
}

type ToolCallPart = Extract<AssistantPart, {type: "toolCall"}>;

/**
 * The conversation as the model's template writes it: an assistant message that called tools,
 * the `tool` messages answering it and the assistant messages after them are one assistant turn
 * (reasoning, text, call with its result, more reasoning…), which the chat wrapper renders in
 * the model's own form and which, when it ends with a result, the model goes on with. Every call
 * must be answered by a `tool` message before the next user or system message, and every `tool`
 * message must answer a call: anything else is a 400 saying which message.
 */
export function toolTurns(messages: readonly ApiMessage[]): ReplyTurn[] {
    const turns: ReplyTurn[] = [];
    /** The calls of the current tool-using turn still waiting for their result, by id. */
    const pending = new Map<string, ToolCallPart>();
    /** Parts of the current turn, while one is open (an assistant message called tools). */
    let open: AssistantPart[] | undefined;
    const close = (index: number) => {
        if (pending.size > 0)
            throw new ApiError(400, `Invalid \`messages.${index}\`: the tool call "${[...pending.keys()][0]}" has no \`tool\` message with its result before this message.`,
                {param: `messages.${index}`, code: "invalid_value"});
        open = undefined;
    };
    for (const [index, message] of messages.entries()) {
        if (message.role === "tool") {
            const call = pending.get(message.tool_call_id ?? "");
            if (call == null)
                throw new ApiError(400, `Invalid \`messages.${index}.tool_call_id\`: no assistant message before it has a pending tool call with the id "${message.tool_call_id}".`,
                    {param: `messages.${index}.tool_call_id`, code: "invalid_value"});
            call.result = message.text;
            pending.delete(message.tool_call_id!);
            continue;
        }
        if (message.role !== "assistant") {
            close(index);
            turns.push({role: message.role, text: message.text});
            continue;
        }
        const calls = message.tool_calls ?? [];
        if (open == null && calls.length === 0) {
            turns.push({role: "assistant", text: message.text, ...(message.reasoning_content ? {reasoning: message.reasoning_content} : {})});
            continue;
        }
        close(index);
        if (open == null) {
            open = [];
            turns.push({role: "assistant", text: "", parts: open});
        }
        open.push(...assistantParts(message, pending));
    }
    return turns;
}

/** One assistant message as parts; its calls wait in `pending` for their results. */
function assistantParts(message: ApiMessage, pending: Map<string, ToolCallPart>): AssistantPart[] {
    const parts: AssistantPart[] = [];
    const calls = message.tool_calls ?? [];
    if (message.reasoning_content)
        // A call with no text before it was made inside the reasoning (as reasoning models do): the
        // reasoning stays open, so the model reasons on after the result, as it would have.
        parts.push({type: "reasoning", text: message.reasoning_content, ended: message.text.trim() !== "" || calls.length === 0});
    if (message.text !== "")
        parts.push({type: "text", text: message.text});
    for (const call of calls) {
        if (pending.has(call.id))
            throw new ApiError(400, `Invalid \`tool_calls\`: the id "${call.id}" is used twice.`, {param: "messages", code: "invalid_value"});
        // No `body`: the template writes the call in its own form.
        const part: ToolCallPart = {type: "toolCall", name: call.function.name, arguments: JSON.parse(call.function.arguments), result: ""};
        pending.set(call.id, part);
        parts.push(part);
    }
    return parts;
}
