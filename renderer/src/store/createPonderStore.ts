import {createStore} from "zustand/vanilla";
import type {StoreApi} from "zustand/vanilla";
import type {PonderApi, PonderFiles} from "../../../electron/contract";
import {createChatListSlice} from "./chatListSlice";
import type {ChatListSlice} from "./chatListSlice";
import {createChatsSlice} from "./chatsSlice";
import type {ChatsSlice} from "./chatsSlice";
import {createConnectionSlice} from "./connectionSlice";
import {createConversationsSlice} from "./conversationsSlice";
import type {ConversationsSlice} from "./conversationsSlice";
import type {ConnectionSlice} from "./connectionSlice";
import {createApiServerSlice} from "./apiServerSlice";
import type {ApiServerSlice} from "./apiServerSlice";
import {createEnginesSlice} from "./enginesSlice";
import {createFirstRunSlice} from "./firstRunSlice";
import type {FirstRunSlice} from "./firstRunSlice";
import type {EnginesSlice} from "./enginesSlice";
import {createAttachmentsSlice} from "./attachmentsSlice";
import type {AttachmentsSlice} from "./attachmentsSlice";
import {createHubSlice} from "./hubSlice";
import type {HubSlice} from "./hubSlice";
import {createLibrarySlice} from "./librarySlice";
import type {LibrarySlice} from "./librarySlice";
import {createLayoutSlice} from "./layoutSlice";
import type {LayoutSlice} from "./layoutSlice";
import {createMessagesSlice} from "./messagesSlice";
import type {MessagesSlice} from "./messagesSlice";
import {createModelsSlice} from "./modelsSlice";
import type {ModelsSlice} from "./modelsSlice";
import {createNoticesSlice} from "./noticesSlice";
import type {NoticesSlice} from "./noticesSlice";
import {createSettingsSlice} from "./settingsSlice";
import type {SettingsSlice} from "./settingsSlice";
import {createStateCacheSlice} from "./stateCacheSlice";
import type {StateCacheSlice} from "./stateCacheSlice";
import {createToolsSlice} from "./toolsSlice";
import type {ToolsSlice} from "./toolsSlice";

export type PonderState = ConnectionSlice & ChatListSlice & ChatsSlice & ConversationsSlice & MessagesSlice & ModelsSlice & NoticesSlice & EnginesSlice & LibrarySlice & HubSlice & AttachmentsSlice & ApiServerSlice & SettingsSlice & FirstRunSlice & ToolsSlice & StateCacheSlice & LayoutSlice;
export type PonderStore = StoreApi<PonderState>;

/**
 * The renderer's whole state, one vanilla store per connection (zustand's slices pattern). Actions
 * that talk to the main side get the `api` here rather than from a module-level global, so a
 * test builds a fresh store — in its initial state — around whatever `PonderApi` it likes.
 */
/** `files`: the desktop preload's `window.ponderFiles`, with which attachments are read by path instead of uploaded. */
export function createPonderStore(api: PonderApi, files?: PonderFiles): PonderStore {
    return createStore<PonderState>()((...store) => ({
        ...createConnectionSlice(api)(...store),
        ...createChatListSlice(api)(...store),
        ...createChatsSlice(api)(...store),
        ...createConversationsSlice(api)(...store),
        ...createMessagesSlice(...store),
        ...createModelsSlice(api)(...store),
        ...createNoticesSlice(...store),
        ...createEnginesSlice(api)(...store),
        ...createApiServerSlice(api)(...store),
        ...createLibrarySlice(api)(...store),
        ...createHubSlice(api)(...store),
        ...createAttachmentsSlice(api, files)(...store),
        ...createSettingsSlice(api)(...store),
        ...createFirstRunSlice(api)(...store),
        ...createToolsSlice(api)(...store),
        ...createStateCacheSlice(api)(...store),
        ...createLayoutSlice(...store)
    }));
}
