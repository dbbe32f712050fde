import type {DetectedToolCall, ReplyTurn, ToolDefinition} from "../replies/ReplyEngine.ts";

/** One streamed piece of a call, as OpenAI-compatible servers send it in `delta.tool_calls`. */
export interface RemoteToolCallDelta {
    index?: number;
    id?: string;
    function?: {name?: string | null; arguments?: string | null};
}

type RemoteMessage =
    | {role: "system" | "user"; content: string}
    | {role: "assistant"; content: string | null; tool_calls?: Array<{id: string; type: "function"; function: {name: string; arguments: string}}>}
    | {role: "tool"; tool_call_id: string; content: string};

/** The tools in OpenAI's request form. */
export function remoteTools(tools: Readonly<Record<string, ToolDefinition>>) {
    return Object.entries(tools).map(([name, tool]) => ({
        type: "function" as const,
        function: {name, ...(tool.description == null ? {} : {description: tool.description}), parameters: tool.parameters ?? {type: "object", properties: {}}}
    }));
}

/**
 * The conversation in OpenAI's message form. An assistant turn that used tools becomes its
 * messages as the API has them: text and calls in an assistant message, each result in a `tool`
 * message, the text after them in the next assistant message. Reasoning is left out (DeepSeek's
 * API refuses it in requests).
 */
export function remoteMessages(turns: readonly ReplyTurn[]): RemoteMessage[] {
    const messages: RemoteMessage[] = [];
    let callCount = 0;
    for (const turn of turns) {
        if (turn.role !== "assistant" || turn.parts == null) {
            messages.push({role: turn.role, content: turn.text});
            continue;
        }
        let text = "";
        let calls: Array<{id: string; type: "function"; function: {name: string; arguments: string}}> = [];
        let results: RemoteMessage[] = [];
        const flush = () => {
            if (text === "" && calls.length === 0)
                return;
            messages.push({role: "assistant", content: text === "" ? null : text, ...(calls.length === 0 ? {} : {tool_calls: calls})}, ...results);
            text = "";
            calls = [];
            results = [];
        };
        for (const part of turn.parts) {
            if (part.type === "reasoning")
                continue;
            if (part.type === "text") {
                // Text after a call's result is the next assistant message.
                if (calls.length > 0)
                    flush();
                text += part.text;
                continue;
            }
            const id = `call_${++callCount}`;
            calls.push({id, type: "function", function: {name: part.name, arguments: JSON.stringify(part.arguments ?? {})}});
            results.push({role: "tool", tool_call_id: id, content: part.result});
        }
        flush();
    }
    return messages;
}

/** A server's streamed calls, put together by index. */
export class RemoteToolCalls {
    readonly #calls = new Map<number, {name: string; arguments: string}>();

    add(delta: RemoteToolCallDelta) {
        const index = delta.index ?? 0;
        const call = this.#calls.get(index) ?? {name: "", arguments: ""};
        call.name += delta.function?.name ?? "";
        call.arguments += delta.function?.arguments ?? "";
        this.#calls.set(index, call);
    }

    /** The calls by index, in the Hermes form the tool loop reads (`{"name", "arguments"}`); nameless ones are left out. */
    all(): DetectedToolCall[] {
        return [...this.#calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call).filter((call) => call.name !== "").map((call) => {
            // Arguments that aren't JSON stay as written, so the body isn't either and the loop tells the model its call was malformed.
            const args = call.arguments.trim() === "" ? "{}" : call.arguments;
            return {body: `{"name": ${JSON.stringify(call.name)}, "arguments": ${args}}`, segment: "answer" as const};
        });
    }
}
