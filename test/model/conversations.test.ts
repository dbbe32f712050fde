import path from "node:path";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {requestSchemas, type ChatArchive, type ChatListChange, type Message} from "../../electron/contract.ts";
import type {PonderCore, PonderCoreOptions} from "../../electron/core/PonderCore.ts";
import {LlamaRuntime, type LoadedModel} from "../../native/index.ts";
import {expectedTexts} from "../fixtures/models/scriptedModel.ts";
import {useCoreWorkspace} from "./support/useCoreWorkspace.ts";

const workspace = useCoreWorkspace("ponder-conversations-", {"qwq-tiny.gguf": "prefilled", "endless.gguf": "endless"});

async function openCore(name: string, chats: PonderCoreOptions["chats"] = {}) {
    const core = await workspace.openCore({
        dataDir: path.join(workspace.dir, name),
        chats: {generation: {sampling: {temperature: 0}, ...chats.generation}}
    });
    await core.handlers["models.load"]({modelId: "qwq-tiny.gguf"});
    return core;
}

function finished(core: PonderCore, messageId: string) {
    return new Promise<Message>((resolve) => core.events.on((name, payload) => {
        const message = payload as Message;
        if (name === "chats.messageUpdated" && message.id === messageId && message.status !== "streaming")
            resolve(message);
    }));
}

async function ask(core: PonderCore, text: string, chatId?: string) {
    const sent = await core.handlers["chats.send"](chatId == null ? {text} : {chatId, text});
    await finished(core, sent.assistantMessage.id);
    return sent;
}

describe("conversations on a real model", () => {
    test("edit & resend makes a branch beside the old one; each version can be shown again", async () => {
        const core = await openCore("edit");
        const first = await ask(core, "First question");
        await ask(core, "Follow-up", first.chatId);

        const edited = await core.handlers["chats.edit"]({chatId: first.chatId, messageId: first.userMessage.id, text: "Better question"});
        const newUser = edited.messages[0]!;
        expect(edited.messages.map((message) => message.text)).toEqual(["Better question", ""]);
        expect(edited.alternatives[newUser.id]).toEqual([first.userMessage.id, newUser.id]);
        await finished(core, edited.messages[1]!.id);

        const old = await core.handlers["chats.showMessage"]({chatId: first.chatId, messageId: first.userMessage.id});
        // The old version comes back with everything that followed it.
        expect(old.messages.map((message) => message.text)).toEqual(["First question", expectedTexts.answer, "Follow-up", expectedTexts.answer]);
        const again = await core.handlers["chats.get"]({chatId: first.chatId});
        expect(again.messages[0]!.id).toBe(first.userMessage.id);
        await expect(core.handlers["chats.edit"]({chatId: first.chatId, messageId: first.assistantMessage.id, text: "x"})).rejects.toThrow(/Only your own messages/);
    });

    test("regenerate adds an alternative answer; deleting it moves the branch back to the other", async () => {
        const core = await openCore("regenerate");
        const sent = await ask(core, "Hello");
        const regenerated = await core.handlers["chats.regenerate"]({chatId: sent.chatId, messageId: sent.assistantMessage.id});
        const answer = regenerated.messages[1]!;
        expect(regenerated.alternatives[answer.id]).toEqual([sent.assistantMessage.id, answer.id]);
        expect(await finished(core, answer.id)).toMatchObject({status: "done", text: expectedTexts.answer, reasoning: expectedTexts.reasoning});

        const afterDelete = await core.handlers["chats.deleteMessage"]({chatId: sent.chatId, messageId: answer.id});
        expect(afterDelete.messages.map((message) => message.id)).toEqual([sent.userMessage.id, sent.assistantMessage.id]);
        expect(afterDelete.alternatives).toEqual({});

        // With its only answer deleted, a question can be answered afresh.
        const bare = await core.handlers["chats.deleteMessage"]({chatId: sent.chatId, messageId: sent.assistantMessage.id});
        expect(bare.messages.map((message) => message.id)).toEqual([sent.userMessage.id]);
        const answered = await core.handlers["chats.regenerate"]({chatId: sent.chatId, messageId: sent.userMessage.id});
        expect(await finished(core, answered.messages[1]!.id)).toMatchObject({text: expectedTexts.answer});
    });

    test("continue writes on where a cut-short answer ended, until the whole script is there", async () => {
        // A small token limit cuts every generation short, so the answer takes several continues:
        // mid-reasoning, again mid-reasoning, then mid-answer.
        const core = await openCore("continue", {generation: {maxTokens: 10}});
        const sent = await ask(core, "Hello");
        let message = (await core.handlers["chats.get"]({chatId: sent.chatId})).messages[1]!;
        expect(message.stats?.stopReason).toBe("length");
        for (let round = 0; round < 10 && message.stats?.stopReason === "length"; round++) {
            const resumed = await core.handlers["chats.continue"]({chatId: sent.chatId, messageId: message.id});
            expect(resumed.status).toBe("streaming");
            message = await finished(core, message.id);
        }
        expect(message).toMatchObject({status: "done", reasoning: expectedTexts.reasoning, text: expectedTexts.answer, stats: {stopReason: "finished"}});
        await expect(core.handlers["chats.continue"]({chatId: sent.chatId, messageId: sent.userMessage.id})).rejects.toThrow(/cut short/);
    });

    test("rename, pin, system prompt and reasoning setting are stored per chat; delete can be undone", async () => {
        const core = await openCore("settings");
        const a = await ask(core, "Chat A");
        const b = await ask(core, "Chat B");
        await core.handlers["chats.update"]({chatId: a.chatId, title: "Renamed A", pinned: true, systemPrompt: "Answer in one line.", sendReasoning: true});
        expect((await core.handlers["chats.list"]({})).chats.map((chat) => chat.title)).toEqual(["Renamed A", "Chat B"]);
        expect((await core.handlers["chats.get"]({chatId: a.chatId})).summary).toMatchObject({systemPrompt: "Answer in one line.", sendReasoning: true});
        // A follow-up with a system prompt still gets its answer.
        expect((await finished(core, (await core.handlers["chats.send"]({chatId: a.chatId, text: "Again"})).assistantMessage.id)).status).toBe("done");

        await core.handlers["chats.delete"]({chatId: b.chatId});
        expect((await core.handlers["chats.list"]({})).chats.map((chat) => chat.id)).toEqual([a.chatId]);
        await core.handlers["chats.restore"]({chatId: b.chatId});
        expect((await core.handlers["chats.list"]({})).chats.map((chat) => chat.id)).toEqual([a.chatId, b.chatId]);
    });
});

describe("the conversation list and exports through the core's handlers", () => {
    test("the list comes in pages, and changes to it come one chat at a time", async () => {
        const core = await openCore("pages");
        const changes: ChatListChange[] = [];
        core.events.on((name, payload) => {
            if (name === "chats.listChanged")
                changes.push(payload as ChatListChange);
        });
        const created = [];
        for (let i = 0; i < 5; i++)
            created.push(await core.handlers["chats.create"](undefined));
        expect(changes.map((change) => change.kind)).toEqual(["upsert", "upsert", "upsert", "upsert", "upsert"]);

        const first = await core.handlers["chats.list"]({limit: 2});
        expect(first.more).toBe(true);
        const second = await core.handlers["chats.list"]({after: first.chats.at(-1)!, limit: 2});
        const third = await core.handlers["chats.list"]({after: second.chats.at(-1)!, limit: 2});
        expect(third).toMatchObject({more: false});
        expect([...first.chats, ...second.chats, ...third.chats].map((chat) => chat.id).sort()).toEqual(created.map((chat) => chat.id).sort());
        expect((await core.handlers["chats.list"]({})).chats).toHaveLength(5);

        const sent = await ask(core, "Which chat moves up?", created[0]!.id);
        expect(changes.at(-1)).toEqual({kind: "upsert", chat: await core.handlers["chats.get"]({chatId: sent.chatId}).then((chat) => chat.summary)});
        expect((await core.handlers["chats.list"]({limit: 1})).chats[0]).toMatchObject({id: created[0]!.id, title: "Which chat moves up?"});
        await core.handlers["chats.delete"]({chatId: created[1]!.id});
        expect(changes.at(-1)).toEqual({kind: "remove", chatId: created[1]!.id});
        // A page is never the whole list: the contract refuses a page over 500.
        expect(requestSchemas["chats.list"].safeParse({limit: 501}).success).toBe(false);
    });

    test("export all is read in pieces and carries each chat's own settings back through an import", async () => {
        const core = await openCore("export");
        const sent = await ask(core, "Keep my settings");
        await core.handlers["settings.update"]({modelId: "qwq-tiny.gguf", chatId: sent.chatId, values: {temperature: 0.25, reasoningBudget: 64}});
        const started = await core.handlers["chats.export"]({format: "json"});
        expect(started).toMatchObject({mimeType: "application/json", fileName: expect.stringMatching(/^ponder-conversations-.*\.json$/)});
        let text = "";
        for (let piece = await core.handlers["chats.readExport"]({exportId: started.exportId}); ; piece = await core.handlers["chats.readExport"]({exportId: started.exportId})) {
            text += piece.content;
            if (piece.done)
                break;
        }
        const archive = JSON.parse(text) as ChatArchive;
        expect(archive.chats[0]!.settings).toEqual({temperature: 0.25, reasoningBudget: 64});

        const other = await openCore("import");
        const {imported: [imported]} = await other.handlers["chats.import"]({archive});
        expect((await other.handlers["settings.get"]({modelId: "qwq-tiny.gguf", chatId: imported!.id})).chat).toEqual({temperature: 0.25, reasoningBudget: 64});
        expect((await other.handlers["chats.get"]({chatId: imported!.id})).messages.map((message) => message.text)).toEqual(["Keep my settings", expectedTexts.answer]);
    });
});

describe("presets and duplicate imports through the core's handlers", () => {
    test("a preset saved from a chat survives a restart, and gives a new chat its system prompt, family and settings", async () => {
        const modelId = "qwq-tiny.gguf";
        const first = await openCore("presets");
        const {id: chatId} = await first.handlers["chats.create"](undefined);
        await first.handlers["chats.update"]({chatId, systemPrompt: "Answer in one line."});
        await first.handlers["settings.update"]({modelId, chatId, values: {temperature: 0.3}, family: "qwen3"});
        // The model's own defaults go into the preset too; its load options don't.
        await first.handlers["settings.update"]({modelId, values: {reasoningBudget: 512, contextSize: 1024}});
        const [saved] = await first.handlers["settings.savePreset"]({name: "Terse", modelId, chatId});
        expect(saved).toMatchObject({name: "Terse", systemPrompt: "Answer in one line.", family: "qwen3", values: {temperature: 0.3, reasoningBudget: 512}});
        await workspace.closeCore(first);

        const second = await openCore("presets");
        expect(await second.handlers["settings.listPresets"](undefined)).toEqual([saved]);
        const fresh = await second.handlers["chats.create"](undefined);
        const view = await second.handlers["settings.applyPreset"]({presetId: saved!.id, modelId, chatId: fresh.id});
        expect(view).toMatchObject({family: "qwen3", chosenFamily: {chat: "qwen3"}, chat: {temperature: 0.3, reasoningBudget: 512}});
        expect(view.effective).toMatchObject({temperature: 0.3, topK: 20, reasoningBudget: 512});
        expect((await second.handlers["chats.get"]({chatId: fresh.id})).summary.systemPrompt).toBe("Answer in one line.");

        await second.handlers["settings.renamePreset"]({presetId: saved!.id, name: "Short"});
        await expect(second.handlers["settings.savePreset"]({name: "short", modelId})).rejects.toThrow("There is already a preset called “short”.");
        expect(await second.handlers["settings.deletePreset"]({presetId: saved!.id})).toEqual([]);
        await expect(second.handlers["settings.applyPreset"]({presetId: saved!.id, modelId, chatId: fresh.id})).rejects.toThrow("That preset no longer exists.");
    });

    test("importing chats that are here already asks, then skips, copies or replaces them", async () => {
        const core = await openCore("duplicates");
        const kept = await ask(core, "Kept as it is");
        const started = await core.handlers["chats.export"]({format: "json", chatId: kept.chatId});
        const archive = JSON.parse((await core.handlers["chats.readExport"]({exportId: started.exportId})).content) as ChatArchive;
        const title = archive.chats[0]!.summary.title;
        const count = async () => (await core.handlers["chats.list"]({})).chats.length;

        expect(await core.handlers["chats.import"]({archive})).toEqual({imported: [], duplicates: [{id: kept.chatId, title}]});
        expect(await core.handlers["chats.import"]({archive, duplicates: "skip"})).toEqual({imported: [], duplicates: [{id: kept.chatId, title}]});
        expect(await count()).toBe(1);
        const {imported: [copy]} = await core.handlers["chats.import"]({archive, duplicates: "copy"});
        expect(copy!.id).not.toBe(kept.chatId);
        expect(await count()).toBe(2);

        await core.handlers["chats.update"]({chatId: kept.chatId, title: "Renamed here"});
        const {imported: [replaced]} = await core.handlers["chats.import"]({archive, duplicates: "replace"});
        expect(replaced).toMatchObject({id: kept.chatId, title});
        expect(await count()).toBe(2);
        expect((await core.handlers["chats.get"]({chatId: kept.chatId})).messages.map((message) => message.text)).toEqual(["Kept as it is", expectedTexts.answer]);
    });
});

describe("generateReply options for conversations", () => {
    let runtime: LlamaRuntime;
    let model: LoadedModel;
    beforeAll(async () => {
        runtime = await LlamaRuntime.create({gpu: false});
        model = await runtime.loadModel(workspace.fixtures.prefilled, {threads: 1, contextSize: 1024});
    });
    afterAll(async () => {
        await model?.dispose();
        await runtime?.dispose();
    });

    test("earlier reasoning reaches the model only when asked (QwQ's template drops it)", async () => {
        const turns = [
            {role: "user", text: "Hi"},
            {role: "assistant", text: expectedTexts.answer, reasoning: expectedTexts.reasoning},
            {role: "user", text: "And then?"}
        ] as const;
        const dropped = await model.generate({turns, sampling: {temperature: 0}, maxTokens: 1});
        const kept = await model.generate({turns, sampling: {temperature: 0}, maxTokens: 1, keepEarlierReasoning: true});
        const reasoningTokens = model.countTokens(expectedTexts.reasoning);
        expect(kept.promptTokens - dropped.promptTokens).toBeGreaterThanOrEqual(reasoningTokens);
    });

    test("a follow-up reuses the evaluated conversation: only its new tokens are evaluated", async () => {
        const turns = [{role: "user" as const, text: "Hi"}];
        const chunks: string[] = [];
        await model.generate({turns, sampling: {temperature: 0}, onChunk: ({text}) => void chunks.push(text)});
        const followUp = await model.generate({
            turns: [...turns, {role: "assistant", text: expectedTexts.answer, reasoning: expectedTexts.reasoning}, {role: "user", text: "More"}],
            sampling: {temperature: 0},
            maxTokens: 1
        });
        // The dropped reasoning is the only part of the evaluated reply that isn't kept.
        expect(followUp.promptTokens - followUp.reusedPromptTokens).toBeLessThan(model.countTokens(expectedTexts.reasoning) + 30);
        expect(followUp.reusedPromptTokens).toBeGreaterThan(0);
    });
});
