/**
 * Every domain of the contract, joined: the one list a new domain is added to. A new request or
 * event of an existing domain goes into its domain's module only.
 */
import {apiEventNames, apiRequests, type ApiEvents, type ApiResults} from "./api.ts";
import {appRequests, type AppResults} from "./app.ts";
import {chatsEventNames, chatsRequests, type ChatsEvents, type ChatsResults} from "./chats.ts";
import {attachmentsRequests, type AttachmentsResults} from "./documents.ts";
import {downloadsEventNames, downloadsRequests, type DownloadsEvents, type DownloadsResults} from "./downloads.ts";
import {enginesEventNames, enginesRequests, type EnginesEvents, type EnginesResults} from "./engines.ts";
import {everyName} from "./everyName.ts";
import {hubRequests, type HubResults} from "./hub.ts";
import {catalogRequests, modelsEventNames, modelsRequests, type CatalogResults, type ModelsEvents, type ModelsResults} from "./models.ts";
import {settingsRequests, type SettingsResults} from "./settings.ts";
import {stateCacheRequests, type StateCacheResults} from "./stateCache.ts";
import {toolsEventNames, toolsRequests, type ToolsEvents, type ToolsResults} from "./tools.ts";

export const requestSchemaBuilders = {
    ...appRequests, ...modelsRequests, ...catalogRequests, ...hubRequests, ...downloadsRequests,
    ...chatsRequests, ...attachmentsRequests, ...settingsRequests, ...enginesRequests, ...apiRequests,
    ...stateCacheRequests, ...toolsRequests
};

export type ResultsOfEveryDomain = AppResults & ModelsResults & CatalogResults & HubResults & DownloadsResults &
    ChatsResults & AttachmentsResults & SettingsResults & EnginesResults & ApiResults & StateCacheResults & ToolsResults;

export type EventPayloads = ModelsEvents & DownloadsEvents & ChatsEvents & EnginesEvents & ApiEvents & ToolsEvents;

export const domainEventNames = everyName<keyof EventPayloads>()([
    ...modelsEventNames, ...downloadsEventNames, ...chatsEventNames, ...enginesEventNames, ...apiEventNames, ...toolsEventNames
]);
