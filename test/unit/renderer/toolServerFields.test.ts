import {describe, expect, test} from "vitest";
import {parseNamedValues, splitArguments} from "../../../renderer/src/format/toolServerFields.ts";

describe("splitArguments", () => {
    test("spaces separate; quotes and backslashes keep spaces inside one argument", () => {
        expect(splitArguments("-y @modelcontextprotocol/server-filesystem /tmp/a")).toEqual(["-y", "@modelcontextprotocol/server-filesystem", "/tmp/a"]);
        expect(splitArguments(`  "/My Files/notes"  'it''s' a\\ b  `)).toEqual(["/My Files/notes", "its", "a b"]);
        expect(splitArguments(`--name "say \\"hi\\"" ''`)).toEqual(["--name", "say \"hi\"", ""]);
        expect(splitArguments("")).toEqual([]);
    });
});

describe("parseNamedValues", () => {
    test("environment lines and header lines; the first line without a separator is reported", () => {
        expect(parseNamedValues("API_KEY=abc=def\n\n DEBUG = 1 ", "=")).toEqual({values: {API_KEY: "abc=def", DEBUG: "1"}});
        expect(parseNamedValues("Authorization: Bearer x:y", ":")).toEqual({values: {Authorization: "Bearer x:y"}});
        expect(parseNamedValues("GOOD=1\nbad line", "=")).toEqual({badLine: "bad line"});
    });
});
