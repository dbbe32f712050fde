import {describe, expect, it} from "vitest";
import {requestNames} from "../../../electron/contract/values.ts";
import type {HandlersByDomain} from "../../../electron/contract.ts";
import {composeHandlers} from "../../../electron/core/rpc/composeHandlers.ts";

/** Domains whose every handler answers with the name it was registered under. */
function namedDomains(): HandlersByDomain {
    const domains: Record<string, Record<string, () => Promise<string>>> = {};
    for (const name of requestNames) {
        const [domain, member] = name.split(".") as [string, string];
        (domains[domain] ??= {})[member] = async () => `${domain}/${member}`;
    }
    return domains as unknown as HandlersByDomain;
}

describe("composeHandlers", () => {
    it("puts each domain's member under its request name", async () => {
        const handlers = composeHandlers(namedDomains());
        for (const name of requestNames)
            await expect((handlers[name] as unknown as () => Promise<string>)()).resolves.toBe(name.replace(".", "/"));
        expect(Object.keys(handlers).sort()).toEqual([...requestNames].sort());
    });

    it("has no prototype, so no name outside the contract finds a function", () => {
        const handlers = composeHandlers(namedDomains()) as unknown as Record<string, unknown>;
        expect(Object.getPrototypeOf(handlers)).toBeNull();
        expect(handlers.valueOf).toBeUndefined();
        expect(handlers["chats.constructor"]).toBeUndefined();
    });
});
