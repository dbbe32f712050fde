import type {EventName, EventPayloads, PonderApi, RequestName, Unsubscribe} from "../../../electron/contract";

/**
 * Checks at compile time that a list holds every member of a union. The contract has the same
 * lists, but the renderer may only import its types.
 */
function listOfEvery<T extends string>() {
    return <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : never)): L => list;
}

export const requestNames = listOfEvery<RequestName>()([
    "app.getInfo", "app.getSystem", "app.getLogs", "app.openLogsFolder",
    "engines.list", "engines.add", "engines.remove",
    "api.getState", "api.configure", "api.rotateKey",
    "models.list", "models.load", "models.unload", "models.getState",
    "models.delete", "models.import", "models.importPicked", "models.reveal", "models.openFolder", "models.changeFolder", "models.estimateFit", "catalog.list", "catalog.recommend",
    "hub.search", "hub.repository", "hub.getSettings", "hub.setToken",
    "downloads.list", "downloads.add", "downloads.pause", "downloads.resume", "downloads.cancel",
    "chats.list", "chats.get", "chats.create", "chats.send", "chats.stop",
    "chats.update", "chats.delete", "chats.restore", "chats.search", "chats.showMessage",
    "chats.edit", "chats.regenerate", "chats.continue", "chats.deleteMessage", "chats.restoreMessage", "chats.export", "chats.readExport", "chats.import",
    "settings.get", "settings.update",
    "tools.list", "tools.addServer", "tools.importServers", "tools.updateServer", "tools.restartServer",
    "tools.removeServer", "tools.updateTool", "tools.configure"
]);

export const eventNames = listOfEvery<EventName>()([
    "engines.listChanged", "api.stateChanged", "tools.changed",
    "models.stateChanged", "models.listChanged", "downloads.changed",
    "chats.listChanged", "chats.delta", "chats.messageUpdated"
]);

export type EventListener<E extends EventName> = (payload: EventPayloads[E]) => void;

/**
 * Builds `PonderApi`'s nested shape (`api.chats.send(args)`, `api.chats.onDelta(listener)`) over
 * two flat functions, the way the preload builds `window.ponder`.
 */
export function buildPonderApi(
    request: (name: RequestName, args: unknown) => Promise<unknown>,
    subscribe: <E extends EventName>(event: E, listener: EventListener<E>) => Unsubscribe
): PonderApi {
    const api: Record<string, Record<string, unknown>> = {};
    const domainOf = (name: string) => (api[name.slice(0, name.indexOf("."))] ??= {});
    const memberOf = (name: string) => name.slice(name.indexOf(".") + 1);

    for (const name of requestNames)
        domainOf(name)[memberOf(name)] = (args?: unknown) => request(name, args);

    for (const event of eventNames) {
        const member = memberOf(event);
        domainOf(event)["on" + member.charAt(0).toUpperCase() + member.slice(1)] =
            (listener: EventListener<typeof event>) => subscribe(event, listener);
    }

    // The loops above fill exactly the members PonderApi's mapped type derives from the same names.
    return api as PonderApi;
}
