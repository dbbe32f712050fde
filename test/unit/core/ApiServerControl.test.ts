import {mkdtempSync, rmSync} from "node:fs";
import net from "node:net";
import {tmpdir} from "node:os";
import path from "node:path";
import OpenAI from "openai";
import {afterEach, beforeEach, describe, expect, test} from "vitest";
import type {ApiServerState} from "../../../electron/contract.ts";
import {ApiServerControl} from "../../../electron/core/api/ApiServerControl.ts";
import {EventBus} from "../../../electron/core/events/EventBus.ts";
import {openDatabase, type PonderDatabase} from "../../../electron/core/store/openDatabase.ts";
import {startOpenAiServer} from "../../../electron/server/openai/startOpenAiServer.ts";

let dir: string;
const opened: Array<{control: ApiServerControl; db: PonderDatabase}> = [];

beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "ponder-api-control-"));
});
afterEach(async () => {
    for (const {control, db} of opened.splice(0)) {
        await control.dispose();
        db.close();
    }
    rmSync(dir, {recursive: true, force: true});
});

/** The desktop app's wiring: the control with the real standalone server as its launcher. */
async function openDesktop() {
    const db = openDatabase(path.join(dir, "ponder.db"));
    const events = new EventBus();
    const states: ApiServerState[] = [];
    events.on((name, payload) => {
        if (name === "api.stateChanged")
            states.push(payload as ApiServerState);
    });
    const control = new ApiServerControl(db, events, {loaded: undefined});
    opened.push({control, db});
    await control.useLauncher(startOpenAiServer);
    return {control, states};
}

function freePort(): Promise<number> {
    return new Promise((resolve) => {
        const server = net.createServer().listen(0, "127.0.0.1", () => {
            const {port} = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

const list = (url: string, apiKey: string) => new OpenAI({baseURL: url, apiKey, maxRetries: 0}).models.list();

describe("the desktop app's API server setting", () => {
    test("is off by default, on 127.0.0.1 only, with a key already made", async () => {
        const {control} = await openDesktop();
        expect(control.state).toMatchObject({mode: "desktop", enabled: false, allowNetwork: false, url: null, error: null});
        expect(control.state.apiKey).toMatch(/^pk-.{20,}/);
    });

    test("switched on it serves /v1 with its key; a new key locks out the old one; switched off it stops", async () => {
        const {control, states} = await openDesktop();
        const port = await freePort();
        const on = await control.configure({enabled: true, port});
        expect(on.url).toBe(`http://127.0.0.1:${port}/v1`);
        expect(states.at(-1)).toEqual(on);
        expect((await list(on.url!, on.apiKey)).data).toEqual([]);

        const rotated = await control.rotateKey();
        expect(rotated.apiKey).not.toBe(on.apiKey);
        await expect(list(on.url!, on.apiKey)).rejects.toMatchObject({status: 401});
        expect((await list(on.url!, rotated.apiKey)).data).toEqual([]);

        const off = await control.configure({enabled: false});
        expect(off.url).toBeNull();
        await expect(fetch(`${on.url}/models`)).rejects.toThrow();
    });

    test("the setting and key survive a restart, and the server comes back on its own", async () => {
        const port = await freePort();
        const first = await openDesktop();
        const {apiKey} = await first.control.configure({enabled: true, port});
        await first.control.dispose();
        opened.shift()!.db.close();

        const second = await openDesktop();
        expect(second.control.state).toMatchObject({enabled: true, port, apiKey, url: `http://127.0.0.1:${port}/v1`});
        expect((await list(second.control.state.url!, apiKey)).data).toEqual([]);
    });

    test("a port in use is a clear error in the setting, not a crash", async () => {
        const blocker = net.createServer();
        const port = await new Promise<number>((resolve) => blocker.listen(0, "127.0.0.1", () => resolve((blocker.address() as net.AddressInfo).port)));
        try {
            const {control} = await openDesktop();
            const state = await control.configure({enabled: true, port});
            expect(state).toMatchObject({enabled: true, url: null});
            expect(state.error).toEqual({code: "api.portInUse", params: {port: String(port)}});
        } finally {
            blocker.close();
        }
    });

    test("in serve it reports the page's own address and refuses to be reconfigured", async () => {
        const db = openDatabase(path.join(dir, "serve.db"));
        const control = new ApiServerControl(db, new EventBus(), {loaded: undefined});
        opened.push({control, db});
        control.useServe({url: "http://127.0.0.1:8757/v1", apiKey: "token"});
        expect(control.state).toMatchObject({mode: "serve", enabled: true, port: 8757, url: "http://127.0.0.1:8757/v1", apiKey: "token"});
        await expect(control.configure({enabled: false})).rejects.toThrow(/--api-key/);
    });
});
