import {describe, expect, test} from "vitest";
import {PonderError} from "../../../electron/contract/errors.ts";
import {ApiError, apiErrorOf} from "../../../electron/server/openai/ApiError.ts";

describe("apiErrorOf: what /v1 answers for a failure", () => {
    test("a Ponder error carries its code and its English message from the same table", () => {
        const error = new PonderError("model.tokenizerFailed", {reason: "out of memory"});
        expect(apiErrorOf(error).body).toEqual({error: {message: "Tokenizing the prompt failed: out of memory", type: "server_error", param: null, code: "model.tokenizerFailed"}});
        expect(apiErrorOf(new PonderError("chat.gone"), 400)).toMatchObject({status: 400, type: "invalid_request_error", code: "chat.gone"});
    });

    test("an API error stays as it is; anything else is a server error without a code", () => {
        const refused = new ApiError(404, "Unknown", {code: "unknown_url"});
        expect(apiErrorOf(refused)).toBe(refused);
        expect(apiErrorOf(new Error("boom")).body).toEqual({error: {message: "boom", type: "server_error", param: null, code: null}});
    });
});
