import {createStore} from "zustand/vanilla";
import type {StoreApi} from "zustand/vanilla";
import type {PonderApi, PonderFiles} from "../../../electron/contract";
import {createConnectionSlice} from "./connectionSlice";
import type {ConnectionSlice} from "./connectionSlice";
import {createChatListSlice} from "./chatListSlice";
import type {ChatListSlice} from "./chatListSlice";
import {createChatSearchSlice} from "./chatSearchSlice";
import type {ChatSearchSlice} from "./chatSearchSlice";
import {createConversationSlice} from "./conversationSlice";
import type {ConversationSlice} from "./conversationSlice";
import {createRepliesSlice} from "./repliesSlice";
import type {RepliesSlice} from "./repliesSlice";
import {createDeletionsSlice} from "./deletionsSlice";
import type {DeletionsSlice} from "./deletionsSlice";
import {createChatTransferSlice} from "./chatTransferSlice";
import type {ChatTransferSlice} from "./chatTransferSlice";
import {createComposerSlice} from "./composerSlice";
import type {ComposerSlice} from "./composerSlice";
import {createLayoutSlice} from "./layoutSlice";
import type {LayoutSlice} from "./layoutSlice";
import {createNoticesSlice} from "./noticesSlice";
import type {NoticesSlice} from "./noticesSlice";
import {createModelFilesSlice} from "./modelFilesSlice";
import type {ModelFilesSlice} from "./modelFilesSlice";
import {createRuntimeSlice} from "./runtimeSlice";
import type {RuntimeSlice} from "./runtimeSlice";
import {createDownloadsSlice} from "./downloadsSlice";
import type {DownloadsSlice} from "./downloadsSlice";
import {createHubSlice} from "./hubSlice";
import type {HubSlice} from "./hubSlice";
import {createEnginesSlice} from "./enginesSlice";
import type {EnginesSlice} from "./enginesSlice";
import {createFirstRunSlice} from "./firstRunSlice";
import type {FirstRunSlice} from "./firstRunSlice";
import {createAppInfoSlice} from "./appInfoSlice";
import type {AppInfoSlice} from "./appInfoSlice";
import {createSettingsSlice} from "./settingsSlice";
import type {SettingsSlice} from "./settingsSlice";
import {createApiServerSlice} from "./apiServerSlice";
import type {ApiServerSlice} from "./apiServerSlice";
import {createToolsSlice} from "./toolsSlice";
import type {ToolsSlice} from "./toolsSlice";
import {createStateCacheSlice} from "./stateCacheSlice";
import type {StateCacheSlice} from "./stateCacheSlice";

export type PonderState = ConnectionSlice & ChatListSlice & ChatSearchSlice & ConversationSlice & RepliesSlice & DeletionsSlice & ChatTransferSlice & ComposerSlice & LayoutSlice & NoticesSlice & ModelFilesSlice & RuntimeSlice & DownloadsSlice & HubSlice & EnginesSlice & FirstRunSlice & AppInfoSlice & SettingsSlice & ApiServerSlice & ToolsSlice & StateCacheSlice;
export type PonderStore = StoreApi<PonderState>;

/**
 * The renderer's whole state, one vanilla store per connection (zustand's slices pattern), one
 * slice a domain (docs/architecture.md lists them). Actions that talk to the main side get the
 * `api` here rather than from a module-level global, so a test builds a fresh store — in its
 * initial state — around whatever `PonderApi` it likes.
 */
/** `files`: the desktop preload's `window.ponderFiles`, with which attachments are read by path instead of uploaded. */
export function createPonderStore(api: PonderApi, files?: PonderFiles): PonderStore {
    return createStore<PonderState>()((...store) => ({
        ...createConnectionSlice(api)(...store),
        ...createChatListSlice(api)(...store),
        ...createChatSearchSlice(api)(...store),
        ...createConversationSlice(api)(...store),
        ...createRepliesSlice(api)(...store),
        ...createDeletionsSlice(api)(...store),
        ...createChatTransferSlice(api)(...store),
        ...createComposerSlice(api, files)(...store),
        ...createLayoutSlice(...store),
        ...createNoticesSlice(...store),
        ...createModelFilesSlice(api)(...store),
        ...createRuntimeSlice(api)(...store),
        ...createDownloadsSlice(api)(...store),
        ...createHubSlice(api)(...store),
        ...createEnginesSlice(api)(...store),
        ...createFirstRunSlice(api)(...store),
        ...createAppInfoSlice(api)(...store),
        ...createSettingsSlice(api)(...store),
        ...createApiServerSlice(api)(...store),
        ...createToolsSlice(api)(...store),
        ...createStateCacheSlice(api)(...store)
    }));
}
