import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {afterEach, beforeEach, describe, expect, test} from "vitest";
import type {ChatListChange} from "../../../electron/contract.ts";
import {ChatRepository} from "../../../electron/core/chats/ChatRepository.ts";
import {ChatService} from "../../../electron/core/chats/ChatService.ts";
import {EventBus} from "../../../electron/core/events/EventBus.ts";
import {ModelHost} from "../../../electron/core/models/ModelHost.ts";
import {ModelLibrary} from "../../../electron/core/models/ModelLibrary.ts";
import {openDatabase, type PonderDatabase} from "../../../electron/core/store/openDatabase.ts";
import {attachConnection} from "../../../renderer/src/store/attachConnection.ts";
import {chatPageSize} from "../../../electron/contract/values.ts";
import {createPonderStore, type PonderStore} from "../../../renderer/src/store/createPonderStore.ts";
import {closeConnectedPairs, connectPair, until} from "./rpcPeer.ts";

let dir: string;
let db: PonderDatabase;
let repository: ChatRepository;
let chats: ChatService;
let events: EventBus;
let changes: ChatListChange[];

const chatCount = 120;
const ids = (list: readonly {id: string}[]) => list.map((chat) => chat.id);

beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "ponder-list-"));
    db = openDatabase(path.join(dir, "ponder.db"));
    repository = new ChatRepository(db);
    // Chat 0 is the oldest; a few are pinned.
    for (let i = 0; i < chatCount; i++)
        repository.insertChat({id: `c${String(i).padStart(3, "0")}`, title: `Chat ${i}`, createdAt: i, updatedAt: 1000 + i, pinned: i % 40 === 7, systemPrompt: "", sendReasoning: false});
    events = new EventBus();
    changes = [];
    events.on((name, payload) => {
        if (name === "chats.listChanged")
            changes.push(payload as ChatListChange);
    });
    chats = new ChatService(repository, new ModelHost(new ModelLibrary(path.join(dir, "models")), events), events);
});
afterEach(async () => {
    await closeConnectedPairs();
    await chats.dispose();
    db.close();
    rmSync(dir, {recursive: true, force: true});
});

/** The renderer's store over a real socket to a ChatService on a real database, its events forwarded. */
async function connectStore(): Promise<PonderStore> {
    const {peer, bridge} = await connectPair({
        "chats.list": ({after, limit}) => chats.list(after, limit),
        "chats.get": ({chatId}) => chats.get(chatId),
        "chats.update": ({chatId, ...rest}) => chats.update(chatId, rest),
        "chats.delete": ({chatId}) => chats.delete(chatId),
        "chats.restore": ({chatId}) => chats.restore(chatId),
        "models.list": () => [],
        "models.getState": () => ({status: "empty"})
    });
    events.on((name, payload) => void peer.emit(name, payload));
    const store = createPonderStore(bridge.api);
    attachConnection(store, bridge);
    await until(() => store.getState().chatList.length > 0);
    return store;
}

describe("the conversation list in the renderer", () => {
    test("comes a page at a time, in the main side's order, until every chat is there", async () => {
        const store = await connectStore();
        const whole = repository.listChats();
        expect(ids(store.getState().chatList)).toEqual(ids(whole.slice(0, chatPageSize)));
        expect(store.getState().moreChats).toBe(true);

        // Asking twice at once loads the page once.
        await Promise.all([store.getState().loadMoreChats(), store.getState().loadMoreChats()]);
        expect(ids(store.getState().chatList)).toEqual(ids(whole.slice(0, 2 * chatPageSize)));
        await store.getState().loadMoreChats();
        expect(ids(store.getState().chatList)).toEqual(ids(whole));
        expect(store.getState().moreChats).toBe(false);
    });

    test("changes arrive one chat at a time and keep the loaded part the top of the whole list", async () => {
        const store = await connectStore();
        const loaded = () => ids(store.getState().chatList);
        const old = "c010";
        expect(loaded()).not.toContain(old);

        // Pinned, a chat from far down moves into the loaded part, among the pinned ones.
        await store.getState().setPinned(old, true);
        await until(() => loaded().includes(old));
        expect(loaded()).toEqual(ids(repository.listChats({limit: chatPageSize + 1})));
        expect(changes.at(-1)).toMatchObject({kind: "upsert", chat: {id: old, pinned: true}});

        // Unpinned, it goes back below the loaded part: it comes with a later page, in its place.
        await store.getState().setPinned(old, false);
        await until(() => !loaded().includes(old));
        expect(loaded()).toEqual(ids(repository.listChats({limit: chatPageSize})));

        // Renamed far down: nothing in the list moves, but its summary is current.
        await store.getState().renameChat("c005", "Far away");
        await until(() => store.getState().chatSummaries.c005?.title === "Far away");

        const top = loaded()[3]!;
        await store.getState().deleteChat(top);
        await until(() => !loaded().includes(top));
        expect(changes.at(-1)).toEqual({kind: "remove", chatId: top});
        await store.getState().undoDelete();
        await until(() => loaded()[3] === top);

        while (store.getState().moreChats)
            await store.getState().loadMoreChats();
        expect(loaded()).toEqual(ids(repository.listChats()));
    });

    test("the keyboard's next chat goes past the loaded page, loading the next one", async () => {
        const store = await connectStore();
        const lastLoaded = store.getState().chatList.at(-1)!.id;
        await store.getState().openChat(lastLoaded);
        await store.getState().openAdjacentChat(1);

        const whole = repository.listChats();
        expect(store.getState().activeChatId).toBe(whole[chatPageSize]!.id);
        expect(store.getState().chatList).toHaveLength(2 * chatPageSize);
        await store.getState().openAdjacentChat(-1);
        expect(store.getState().activeChatId).toBe(lastLoaded);
    });

    test("a chat opened from outside the loaded page (a search hit, the address) has its title", async () => {
        const store = await connectStore();
        await store.getState().openChat("c001");
        expect(ids(store.getState().chatList)).not.toContain("c001");
        expect(store.getState().chatSummaries.c001?.title).toBe("Chat 1");
    });

    test("an import of many chats reloads the list instead of sending each", async () => {
        const store = await connectStore();
        await store.getState().loadMoreChats();
        db.prepare("UPDATE chats SET updated_at = 5000 WHERE id = 'c000'").run();
        events.emit("chats.listChanged", {kind: "reload"});
        // As many chats as were loaded come back, the moved one among them.
        await until(() => store.getState().chatList.some((chat) => chat.id === "c000"));
        expect(ids(store.getState().chatList)).toEqual(ids(repository.listChats({limit: 2 * chatPageSize})));
    });

    test("when every loaded chat is deleted, the ones further down come up", async () => {
        const store = await connectStore();
        for (const id of ids(store.getState().chatList))
            await chats.delete(id);
        // Nothing left to page after: the list starts again from the top of what remains.
        const remaining = ids(repository.listChats({limit: chatPageSize}));
        await until(() => JSON.stringify(ids(store.getState().chatList)) === JSON.stringify(remaining));
        expect(store.getState().moreChats).toBe(true);
    });
});
