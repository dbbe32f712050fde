import {mkdtempSync, rmSync} from "node:fs";
import http from "node:http";
import type {AddressInfo} from "node:net";
import {tmpdir} from "node:os";
import path from "node:path";
import {afterAll, beforeAll, expect, test} from "vitest";
import {FileKeySecretStore} from "../../../electron/core/engines/FileKeySecretStore.ts";
import {RemoteEngines} from "../../../electron/core/engines/RemoteEngines.ts";
import {EventBus} from "../../../electron/core/events/EventBus.ts";
import {Logger, MemoryLogSink} from "../../../electron/core/logging/Logger.ts";
import {openDatabase, type PonderDatabase} from "../../../electron/core/store/openDatabase.ts";

let dir: string;
let db: PonderDatabase;
/** An OpenAI-compatible server that lists one model until it is told to fail. */
let server: http.Server;
let baseUrl: string;
let answering = true;

beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "ponder-engines-"));
    db = openDatabase(path.join(dir, "ponder.db"));
    server = http.createServer((_request, response) => {
        response.writeHead(answering ? 200 : 503, {"Content-Type": "application/json"});
        response.end(JSON.stringify(answering ? {object: "list", data: [{id: "big-model", object: "model"}]} : {error: {message: "overloaded"}}));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    db.close();
    rmSync(dir, {recursive: true, force: true});
});

test("an engine that stops answering is listed with its error, and the error is logged with its cause", async () => {
    const log = new MemoryLogSink();
    const engines = new RemoteEngines(db, new FileKeySecretStore(path.join(dir, "secrets.key")), new EventBus(), new Logger(log));
    const added = await engines.add({name: "Lab", baseUrl});
    expect(added.models).toHaveLength(1);
    expect(log.lines).toEqual([]);

    answering = false;
    const [listed] = await engines.list();
    expect(listed?.error).toMatchObject({code: "engine.answeredWith", params: {status: "503", reason: "overloaded"}});
    expect(log.lines[0]).toContain(`WARN  [core] A remote engine's models could not be listed engineId="${added.id}"`);
    expect(log.lines.slice(1).join("\n")).toContain("503");
});
