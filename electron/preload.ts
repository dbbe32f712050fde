import {createBirpc} from "birpc";
import {contextBridge, ipcRenderer, webUtils} from "electron";
import type {EventName, MainFunctions, PonderFiles, RendererFunctions} from "./contract.ts";
import {buildPonderApi, eventNames, ipcChannel} from "./contract/values.ts";

/*
 * Exposes exactly the contract as `window.ponder`: one function per request and one `onX`
 * per event, built from the contract's name lists. The renderer never sees ipcRenderer, a
 * channel name or an IPC event object.
 */

type Listener = (payload: unknown) => void;
const listeners = new Map<EventName, Set<Listener>>(eventNames.map((name) => [name, new Set()]));

const rendererFunctions = Object.fromEntries(eventNames.map((name) => [
    name,
    (payload: unknown) => {
        for (const listener of listeners.get(name) ?? [])
            listener(payload);
    }
])) as RendererFunctions;

const rpc = createBirpc<MainFunctions, RendererFunctions>(rendererFunctions, {
    post: (data) => ipcRenderer.send(ipcChannel, data),
    on: (receive) => ipcRenderer.on(ipcChannel, (_event, data) => receive(data)),
    timeout: -1
});

const api = buildPonderApi(
    (name, args) => rpc.$call(name, args),
    (event, listener) => {
        if (typeof listener !== "function")
            throw new TypeError("A listener must be a function.");
        listeners.get(event)!.add(listener as Listener);
        return () => void listeners.get(event)!.delete(listener as Listener);
    }
);

contextBridge.exposeInMainWorld("ponder", api);
// A dropped or picked file's path on disk ("" for one that has none, like pasted data), for `attachments.addPath`: File.path is gone since Electron 32.
contextBridge.exposeInMainWorld("ponderFiles", {pathOf: (file: File) => webUtils.getPathForFile(file)} satisfies PonderFiles);
