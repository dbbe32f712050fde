import {describe, expect, test} from "vitest";
import {LeftWhileWaitingError, SchedulerClosedError, SequenceScheduler, type ReplyPriority, type SequenceLease} from "../../../native/generation/SequenceScheduler.ts";

/** Sequences are plain names here; a prompt is the name of the sequence that holds it evaluated, if any. */
function scheduler(count: number) {
    const names = Array.from({length: count}, (_, index) => `s${index}`);
    return new SequenceScheduler<string, string>(names, {reusablePrefix: (sequence, prompt) => sequence === prompt ? 100 : 0});
}

/** Asks for a sequence and records when it is granted and where the request stood while it waited. */
function ask(target: SequenceScheduler<string, string>, priority: ReplyPriority, options: {prompt?: string; signal?: AbortSignal} = {}) {
    const positions: number[] = [];
    const request = {lease: undefined as SequenceLease<string> | undefined, error: undefined as Error | undefined, positions};
    target.acquire({prompt: options.prompt ?? "", priority, signal: options.signal, onQueuePosition: (ahead) => positions.push(ahead)})
        .then((lease) => request.lease = lease, (error: Error) => request.error = error);
    return request;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("SequenceScheduler", () => {
    test("API replies never take the sequence kept for desktop chats; a chat gets it at once", async () => {
        const target = scheduler(3);
        const api = [ask(target, "background"), ask(target, "background"), ask(target, "background")];
        await settle();
        expect(api.map((request) => request.lease != null)).toEqual([true, true, false]);
        expect(api[2]!.positions).toEqual([0]);
        const chat = ask(target, "interactive");
        await settle();
        expect(chat.lease).toBeDefined();
        expect(chat.positions).toEqual([]);
        expect(target.active).toBe(3);
    });

    test("waiting chats go ahead of waiting API requests, first come first served within each", async () => {
        const target = scheduler(2);
        const running = [ask(target, "interactive"), ask(target, "interactive")];
        const apiFirst = ask(target, "background");
        const apiSecond = ask(target, "background");
        const chat = ask(target, "interactive");
        await settle();
        expect(chat.positions).toEqual([0]);
        expect(apiFirst.positions).toEqual([0, 1]);
        expect(apiSecond.positions).toEqual([1, 2]);

        running[0]!.lease!.release();
        await settle();
        expect(chat.lease).toBeDefined();
        expect(apiFirst.positions.at(-1)).toBe(0);
        running[1]!.lease!.release();
        await settle();
        expect(apiFirst.lease).toBeDefined();
        expect(apiSecond.lease).toBeUndefined();
    });

    test("a request that leaves while it waits is gone from the line and the ones behind it move up", async () => {
        const target = scheduler(1);
        const running = ask(target, "interactive");
        const controller = new AbortController();
        const leaving = ask(target, "interactive", {signal: controller.signal});
        const behind = ask(target, "interactive");
        await settle();
        expect(behind.positions).toEqual([1]);
        controller.abort();
        await settle();
        expect(leaving.error).toBeInstanceOf(LeftWhileWaitingError);
        expect(behind.positions).toEqual([1, 0]);
        expect(target.waiting).toBe(1);
        running.lease!.release();
        await settle();
        expect(behind.lease).toBeDefined();
        expect(leaving.lease).toBeUndefined();
    });

    test("a reply goes to the free sequence that holds its prompt evaluated; a lease given back twice counts once", async () => {
        const target = scheduler(3);
        const first = ask(target, "interactive", {prompt: "s2"});
        await settle();
        expect(first.lease!.sequence).toBe("s2");
        first.lease!.release();
        first.lease!.release();
        expect(target.active).toBe(0);
    });

    test("closing refuses those waiting and waits for the running replies to end", async () => {
        const target = scheduler(1);
        const running = ask(target, "interactive");
        const waiting = ask(target, "background");
        await settle();
        let closed = false;
        const closing = target.close().then(() => closed = true);
        await settle();
        expect(waiting.error).toBeInstanceOf(SchedulerClosedError);
        expect(closed).toBe(false);
        running.lease!.release();
        await closing;
        await expect(target.acquire({prompt: "", priority: "interactive"})).rejects.toBeInstanceOf(SchedulerClosedError);
    });
});
