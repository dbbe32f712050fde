import {describe, expect, test} from "vitest";
import {alternativesOn, isCutShort, leafAfterDeleting, newestLeafUnder, pathTo, type TreeMessage} from "../../../electron/core/chats/branchTree.ts";

const node = (id: string, parentId: string | null, role: TreeMessage["role"]): TreeMessage => ({id, parentId, role});

// q1 → a1 → q2 → a2, with a regenerated a1b beside a1 (and q2b, an edit of q2, under a1), oldest first.
const tree: TreeMessage[] = [
    node("q1", null, "user"),
    node("a1", "q1", "assistant"),
    node("q2", "a1", "user"),
    node("a2", "q2", "assistant"),
    node("a1b", "q1", "assistant"),
    node("q2b", "a1", "user")
];
const ids = (messages: readonly TreeMessage[]) => messages.map((message) => message.id);

describe("the conversation tree", () => {
    test("a path runs from the root down to the message; an unknown or absent one has none", () => {
        expect(ids(pathTo(tree, "a2"))).toEqual(["q1", "a1", "q2", "a2"]);
        expect(ids(pathTo(tree, "a1b"))).toEqual(["q1", "a1b"]);
        expect(pathTo(tree, "gone")).toEqual([]);
        expect(pathTo(tree, null)).toEqual([]);
    });

    test("each message on the branch lists its versions, oldest first; one without versions is left out", () => {
        expect(alternativesOn(tree, pathTo(tree, "a2"))).toEqual({a1: ["a1", "a1b"], q2: ["q2", "q2b"]});
        expect(alternativesOn(tree, pathTo(tree, "a1b"))).toEqual({a1b: ["a1", "a1b"]});
    });

    test("a branch ends by following the newest child at each step", () => {
        expect(newestLeafUnder(tree, "q1")).toBe("a1b");
        expect(newestLeafUnder(tree, "a1")).toBe("q2b");
        expect(newestLeafUnder(tree, "a2")).toBe("a2");
    });

    test("after a delete, the screen moves to the newest remaining version's branch, or back to the parent", () => {
        const withoutA1b = tree.filter((message) => message.id !== "a1b");
        expect(leafAfterDeleting(withoutA1b, node("a1b", "q1", "assistant"))).toBe("q2b");
        const withoutAnswers = tree.filter((message) => message.role === "user" && message.parentId == null);
        expect(leafAfterDeleting(withoutAnswers, node("a1", "q1", "assistant"))).toBe("q1");
    });

    test("only an answer cut short can be continued", () => {
        const answer = {role: "assistant" as const, stats: null};
        expect(isCutShort({...answer, status: "stopped"})).toBe(true);
        expect(isCutShort({...answer, status: "interrupted"})).toBe(true);
        expect(isCutShort({...answer, status: "error"})).toBe(true);
        expect(isCutShort({...answer, status: "done"})).toBe(false);
        expect(isCutShort({role: "assistant", status: "done", stats: {stopReason: "length"} as never})).toBe(true);
        expect(isCutShort({role: "user", status: "stopped", stats: null})).toBe(false);
    });
});
