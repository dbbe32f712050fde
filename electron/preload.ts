import {createBirpc} from "birpc";
import {contextBridge, ipcRenderer} from "electron";
import {
    eventMemberName, eventNames, ipcChannel, requestNames,
    type EventName, type EventPayloads, type MainFunctions, type PonderApi, type RendererFunctions
} from "./contract.ts";

/*
 * Exposes exactly the contract as `window.ponder`: one function per request and one `onX`
 * per event, built from the contract's name lists. The renderer never sees ipcRenderer, a
 * channel name or an IPC event object.
 */

type Listener = (payload: unknown) => void;
const listeners = new Map<EventName, Set<Listener>>(eventNames.map((name) => [name, new Set()]));

const rendererFunctions = Object.fromEntries(eventNames.map((name) => [
    name,
    (payload: EventPayloads[typeof name]) => {
        for (const listener of listeners.get(name) ?? [])
            listener(payload);
    }
])) as RendererFunctions;

const rpc = createBirpc<MainFunctions, RendererFunctions>(rendererFunctions, {
    post: (data) => ipcRenderer.send(ipcChannel, data),
    on: (receive) => ipcRenderer.on(ipcChannel, (_event, data) => receive(data)),
    timeout: -1
});

const api: Record<string, Record<string, unknown>> = {};
const domainOf = (name: string) => (api[name.slice(0, name.indexOf("."))] ??= {});

for (const name of requestNames)
    domainOf(name)[name.slice(name.indexOf(".") + 1)] = (args?: unknown) => rpc.$call(name, args);

for (const name of eventNames) {
    domainOf(name)[eventMemberName(name)] = (listener: Listener) => {
        if (typeof listener !== "function")
            throw new TypeError("A listener must be a function.");
        listeners.get(name)!.add(listener);
        return () => void listeners.get(name)!.delete(listener);
    };
}

contextBridge.exposeInMainWorld("ponder", api satisfies object as PonderApi);
