import {afterEach, describe, expect, test} from "vitest";
import type {StateCacheInfo} from "../../../electron/contract.ts";
import {PonderError} from "../../../electron/contract/errors.ts";
import {createPonderStore} from "../../../renderer/src/store/createPonderStore.ts";
import {closeConnectedPairs, connectPair} from "./rpcPeer.ts";

afterEach(closeConnectedPairs);

describe("updateField (the actions behind a field the main side answers with whole)", () => {
    test("an answer replaces the field; a failure is reported once and leaves the field as it was", async () => {
        const refusal = {request: "stateCache.configure", field: "budgetBytes", problem: "too large"};
        let info: StateCacheInfo = {usedBytes: 10, budgetBytes: 100, conversations: 1};
        const {bridge} = await connectPair({
            "stateCache.get": () => info,
            "stateCache.configure": ({budgetBytes}) => {
                if (budgetBytes > 1000)
                    throw new PonderError("request.invalid", refusal).toData();
                info = {...info, budgetBytes};
                return info;
            }
        });
        const store = createPonderStore(bridge.api);

        expect(await store.getState().loadStateCache()).toEqual({ok: true, value: info});
        expect(store.getState().stateCache).toEqual({usedBytes: 10, budgetBytes: 100, conversations: 1});

        expect((await store.getState().setStateCacheBudget(50)).ok).toBe(true);
        expect(store.getState().stateCache?.budgetBytes).toBe(50);

        expect(await store.getState().setStateCacheBudget(5000)).toEqual({ok: false, failure: {code: "request.invalid", params: refusal}});
        expect(store.getState().stateCache?.budgetBytes).toBe(50);
        expect(store.getState().notices).toHaveLength(1);
    });
});
