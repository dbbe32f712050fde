import type {ApiRequestLog} from "./OpenAiApi.ts";

/** One line per API request, e.g. `POST /v1/chat/completions 200 qwq.gguf finished 35 prompt + 120 completion (80 reasoning) tokens`. */
export function formatRequestLog(entry: ApiRequestLog): string {
    const parts = [entry.method, entry.path, String(entry.status)];
    if (entry.model != null)
        parts.push(entry.model);
    if (entry.outcome != null)
        parts.push(entry.outcome);
    if (entry.promptTokens != null)
        parts.push(`${entry.promptTokens} prompt + ${entry.completionTokens} completion (${entry.reasoningTokens} reasoning) tokens`);
    return parts.join(" ");
}
