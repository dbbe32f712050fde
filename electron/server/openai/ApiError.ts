import type {IncomingMessage, ServerResponse} from "node:http";
import {PonderError} from "../../contract/errors.ts";

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

/**
 * A failure as `/v1` reports it: a {@link PonderError} keeps its code in `code` (its message is
 * the English rendering of the same table the UI translates); anything else is a server error.
 */
export function apiErrorOf(error: unknown, status = 500): ApiError {
    if (error instanceof ApiError)
        return error;
    if (error instanceof PonderError)
        return new ApiError(status, error.message, {type: status >= 500 ? "server_error" : "invalid_request_error", code: error.code});
    return new ApiError(status, error instanceof Error ? error.message : String(error), {type: "server_error"});
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    const text = JSON.stringify(body);
    response.writeHead(status, {...headers, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text)});
    response.end(text);
}

/** A request refused before the API saw it (a foreign Host, an unreadable address), in the API's error shape. */
export function refuseWithApiError(_request: IncomingMessage, response: ServerResponse, status: number, message: string) {
    const error = new ApiError(status, message, {type: status >= 500 ? "server_error" : "invalid_request_error"});
    sendJson(response, status, error.body);
}
