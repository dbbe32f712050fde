import {afterEach, beforeEach, describe, expect, test, vi} from "vitest";
import {DeltaBatcher, type PendingDelta} from "../../../electron/core/replies/DeltaBatcher.ts";

describe("DeltaBatcher", () => {
    beforeEach(() => void vi.useFakeTimers({toFake: ["setTimeout", "clearTimeout", "performance"]}));
    afterEach(() => void vi.useRealTimers());

    test("delivers the first text at once, then at most one delta per interval", () => {
        const delivered: PendingDelta[] = [];
        const batcher = new DeltaBatcher(33, (delta) => delivered.push(delta));
        batcher.add("reasoning", "a");
        expect(delivered).toEqual([{reasoning: "a", text: ""}]);

        for (let i = 0; i < 100; i++) {
            batcher.add("reasoning", "b");
            vi.advanceTimersByTime(1);
        }
        // 100 tokens over 100 ms: one delta per 33 ms, never one per token.
        expect(delivered.length).toBeGreaterThanOrEqual(3);
        expect(delivered.length).toBeLessThanOrEqual(5);
        batcher.add("answer", "c");
        batcher.flush();
        const all = delivered.reduce((sum, delta) => ({reasoning: sum.reasoning + delta.reasoning, text: sum.text + delta.text}));
        expect(all).toEqual({reasoning: "a" + "b".repeat(100), text: "c"});
    });

    test("flush with nothing pending delivers nothing", () => {
        const deliver = vi.fn();
        new DeltaBatcher(33, deliver).flush();
        expect(deliver).not.toHaveBeenCalled();
    });
});
