import type {GgufFileInfo} from "node-llama-cpp";
import {describe, expect, test} from "vitest";
import {assertConsistentSplit} from "../../../native/gguf/readGgufInfo.ts";

/** The header fields the check reads: a part's own tensor count and its split metadata. */
function part(tensorCount: number, split?: {count: number; no: number; tensors: {count: number}}): GgufFileInfo {
    return {tensorCount, metadata: split == null ? {} : {split}} as unknown as GgufFileInfo;
}

const split = (no: number, count = 3, tensors = 30) => ({count, no, tensors: {count: tensors}});

describe("assertConsistentSplit", () => {
    test("accepts a single file, and parts that each name their place and together hold the tensors announced", () => {
        expect(() => assertConsistentSplit([part(30)])).not.toThrow();
        expect(() => assertConsistentSplit([part(30, {count: 1, no: 0, tensors: {count: 30}})])).not.toThrow();
        expect(() => assertConsistentSplit([part(10, split(0)), part(10, split(1)), part(10, split(2))])).not.toThrow();
    });

    test.each([
        ["a single file that says it has parts", [part(30, split(0))], 1],
        ["whole models as parts", [part(30), part(30), part(30)], 1],
        ["a part in the wrong place", [part(10, split(0)), part(10, split(2)), part(10, split(1))], 2],
        ["a part counting other parts", [part(10, split(0)), part(10, split(1, 4)), part(10, split(2))], 2],
        ["tensors announced that the parts don't hold", [part(10, split(0, 3, 31)), part(10, split(1, 3, 31)), part(10, split(2, 3, 31))], 1],
        ["parts announcing different tensor totals", [part(10, split(0)), part(10, split(1)), part(10, split(2, 3, 29))], 3]
    ])("refuses %s", (_name, parts, badPart) => {
        expect(() => assertConsistentSplit(parts)).toThrow(expect.objectContaining({code: "model.splitInconsistent", params: {part: badPart, parts: parts.length}}));
    });
});
