import {readdirSync} from "node:fs";
import path from "node:path";
import {describe, expect, test} from "vitest";
import {askInChat} from "./support/askInChat.ts";
import {useCoreWorkspace} from "./support/useCoreWorkspace.ts";

const workspace = useCoreWorkspace("ponder-state-cache-", {"qwq-tiny.gguf": "prefilled"});

function stateFiles(): string[] {
    return readdirSync(path.join(workspace.dir, "data", "state-cache")).filter((name) => name.endsWith(".state"));
}

describe("the state cache in the core", () => {
    test("a chat's state is saved when another chat takes its place and at quit, counted, deleted with the chat, and cleared", async () => {
        // One sequence: each chat takes the other's place.
        const core = await workspace.openCore({load: {threads: 1, contextSize: 2048, parallel: 0}});
        await core.handlers["models.load"]({modelId: "qwq-tiny.gguf"});
        const first = await core.handlers["chats.create"](undefined);
        const second = await core.handlers["chats.create"](undefined);
        await askInChat(core, first.id, "Hello there, first chat.");
        expect((await core.handlers["stateCache.get"](undefined)).conversations).toBe(0);
        await askInChat(core, second.id, "Hello there, second chat.");
        const saved = await core.handlers["stateCache.get"](undefined);
        expect(saved.conversations).toBe(1);
        expect(saved.usedBytes).toBeGreaterThan(0);
        expect(stateFiles()).toHaveLength(1);

        await core.handlers["chats.delete"]({chatId: first.id});
        expect(await core.handlers["stateCache.get"](undefined)).toMatchObject({conversations: 0, usedBytes: 0});

        // Quitting saves what the sequence holds: the second chat.
        await workspace.closeCore(core);
        const reopened = await workspace.openCore({load: {threads: 1, contextSize: 2048, parallel: 0}});
        expect((await reopened.handlers["stateCache.get"](undefined)).conversations).toBe(1);
        await reopened.handlers["models.load"]({modelId: "qwq-tiny.gguf"});
        const followUp = await askInChat(reopened, second.id, "And a follow-up.");
        expect(followUp.status).toBe("done");

        const budget = await reopened.handlers["stateCache.configure"]({budgetBytes: 3 * 2 ** 30});
        expect(budget.budgetBytes).toBe(3 * 2 ** 30);
        const cleared = await reopened.handlers["stateCache.clear"](undefined);
        expect(cleared).toMatchObject({usedBytes: 0, conversations: 0, budgetBytes: 3 * 2 ** 30});
        expect(stateFiles()).toHaveLength(0);
    });
});
