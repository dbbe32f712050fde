import {describe, expect, test} from "vitest";
import {StopSequenceFilter} from "../../../electron/server/openai/StopSequenceFilter.ts";

function run(stops: string[], pieces: string[]) {
    const filter = new StopSequenceFilter(stops);
    const out = pieces.map((piece) => filter.push(piece)).join("") + filter.end();
    return {out, stopped: filter.stopped};
}

describe("StopSequenceFilter", () => {
    test("cuts before a stop sequence split across pieces, releasing nothing after it", () => {
        expect(run(["END"], ["Hello E", "N", "D and more"])).toEqual({out: "Hello ", stopped: true});
        expect(run(["\n\n", "stop"], ["one\n", "\ntwo"])).toEqual({out: "one", stopped: true});
    });

    test("holds back only what could start a stop sequence, and releases it when it turns out not to", () => {
        const filter = new StopSequenceFilter(["END"]);
        expect(filter.push("Hello E")).toBe("Hello ");
        expect(filter.push("ach")).toBe("Each");
        expect(filter.push(" EN")).toBe(" ");
        expect(filter.end()).toBe("EN");
        expect(filter.stopped).toBe(false);
    });

    test("without stop sequences, text passes straight through", () => {
        expect(run([], ["a", "b"])).toEqual({out: "ab", stopped: false});
        expect(run([""], ["a", "b"])).toEqual({out: "ab", stopped: false});
    });
});
