import type {ServerResponse} from "node:http";

export type ApiErrorType = "invalid_request_error" | "authentication_error" | "not_found_error" | "server_error";

/** An error answered with OpenAI's body shape, `{error: {message, type, param, code}}`, so clients show its message. */
export class ApiError extends Error {
    override readonly name = "ApiError";
    readonly status: number;
    readonly type: ApiErrorType;
    readonly param: string | null;
    readonly code: string | null;

    constructor(status: number, message: string, {type = "invalid_request_error", param = null, code = null}: {type?: ApiErrorType; param?: string | null; code?: string | null} = {}) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    get body() {
        return {error: {message: this.message, type: this.type, param: this.param, code: this.code}};
    }
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    const text = JSON.stringify(body);
    response.writeHead(status, {...headers, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text)});
    response.end(text);
}
