import {describe, expect, test} from "vitest";
import {PonderError} from "../../../electron/contract/errors.ts";
import {requestAction} from "../../../renderer/src/store/requestAction.ts";

describe("requestAction", () => {
    test("a request that succeeds gives its value and reports nothing", async () => {
        const reported: unknown[] = [];
        expect(await requestAction((error) => reported.push(error), async () => 42)).toEqual({ok: true, value: 42});
        expect(reported).toEqual([]);
    });

    test("a request that fails is reported once and its failure returned, not thrown", async () => {
        const reported: unknown[] = [];
        const error = new PonderError("chat.gone");
        const result = await requestAction((failure) => reported.push(failure), () => Promise.reject(error.toData()));
        expect(result).toEqual({ok: false, failure: {code: "chat.gone", params: {}}});
        expect(reported).toEqual([error.toData()]);
    });

    test("without a report, a failure is only returned, for the form that asked to show it", async () => {
        const error = new PonderError("chat.gone");
        expect(await requestAction(null, () => Promise.reject(error.toData()))).toEqual({ok: false, failure: {code: "chat.gone", params: {}}});
    });
});
