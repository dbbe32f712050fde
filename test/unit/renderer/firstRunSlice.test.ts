import {afterEach, expect, test} from "vitest";
import {PonderError} from "../../../electron/contract/errors.ts";
import {createPonderStore} from "../../../renderer/src/store/createPonderStore.ts";
import {closeConnectedPairs, connectPair} from "./rpcPeer.ts";

afterEach(closeConnectedPairs);

test("a recommendation the main side can't give keeps its coded failure for the welcome, and shows no notice", async () => {
    const {bridge} = await connectPair({
        "catalog.recommend": () => {
            throw new PonderError("net.unreachable", {host: "huggingface.co", reason: "ECONNREFUSED"});
        }
    });
    const store = createPonderStore(bridge.api);
    await store.getState().recommendModel();
    // The code and params, so the welcome says it in the UI's language; not the English message.
    expect(store.getState().recommendation).toEqual({status: "unreachable", error: {code: "net.unreachable", params: {host: "huggingface.co", reason: "ECONNREFUSED"}}});
    expect(store.getState().notices).toEqual([]);
});
