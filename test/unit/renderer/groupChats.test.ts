import {describe, expect, test} from "vitest";
import type {ChatSummary} from "../../../electron/contract.ts";
import {groupChats} from "../../../renderer/src/navigation/groupChats.ts";

function chat(id: string, updatedAt: Date, pinned = false): ChatSummary {
    return {id, title: id, createdAt: 0, updatedAt: updatedAt.getTime(), pinned, systemPrompt: "", sendReasoning: false};
}

describe("groupChats", () => {
    test("pinned first, then today, yesterday, the previous 7 days and older, by local calendar day; empty groups left out", () => {
        const now = new Date(2026, 10, 29, 9, 30);
        const at = (daysBack: number, hour: number) => new Date(2026, 10, 29 - daysBack, hour);
        const groups = groupChats([
            chat("pinned-old", at(40, 12), true),
            chat("this-morning", at(0, 1)),
            chat("late-yesterday", at(1, 23)),
            chat("early-yesterday", at(1, 0)),
            chat("last-week", at(8, 12)),
            chat("long-ago", at(9, 12))
        ], now.getTime());
        expect(groups.map((group) => [group.key, group.chats.map((each) => each.id)])).toEqual([
            ["pinned", ["pinned-old"]],
            ["today", ["this-morning"]],
            ["yesterday", ["late-yesterday", "early-yesterday"]],
            ["previous7Days", ["last-week"]],
            ["older", ["long-ago"]]
        ]);
        expect(groupChats([chat("only", at(0, 2))], now.getTime()).map((group) => group.key)).toEqual(["today"]);
    });
});
