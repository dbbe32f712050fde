import {copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import {createBirpc} from "birpc";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import WebSocket from "ws";
import {z} from "zod";
import {requestSchemas, type MainFunctions, type RendererFunctions} from "../../electron/contract.ts";
import {startServe, type RunningServe} from "../e2e/support/startServe.ts";
import {ensureFixtureModels} from "../fixtures/models/fixtureModels.ts";
import {makeAttack, type Attack, type AttackCategory, type Target} from "./support/attacks.ts";
import type {JsonSchema} from "./support/fromSchema.ts";
import {freePort} from "./support/rawClients.ts";
import {Random} from "./support/random.ts";

/*
 * Throws generated hostile traffic at a running `serve` on 127.0.0.1 (issue 14): raw HTTP,
 * WebSocket frames, RPC messages with arguments for every contract request, and /v1 bodies.
 * After each batch an ordinary client must still be served and the database must pass
 * `PRAGMA integrity_check`. A crash is the process ending, or its last-line handler having to
 * catch something. The seed makes a run reproducible:
 *
 *     PONDER_FUZZ_SEED=1234 PONDER_FUZZ_MS=60000 [PONDER_FUZZ_ONLY=http,websocket,rpc,v1] npx vitest run test/fuzz
 *
 * A failure writes the failing batch's attacks to test/.cache/fuzz-failure.json; each crash found
 * becomes a fixed case in test/unit/server/hostileClients.test.ts.
 */

const seed = Number(process.env.PONDER_FUZZ_SEED ?? 20261207);
const budgetMs = Number(process.env.PONDER_FUZZ_MS ?? 35_000);
const attacksPerBatch = 48;
const concurrency = 6;
// PONDER_FUZZ_ONLY=http,rpc narrows a run to some kinds of traffic.
const categories = (process.env.PONDER_FUZZ_ONLY?.split(",") ?? ["http", "websocket", "rpc", "v1"]) as AttackCategory[];
const model = "prefilled.gguf";

let dir: string;
let serve: RunningServe;
let target: Target;
let dbPath: string;

beforeAll(async () => {
    const fixtures = await ensureFixtureModels();
    dir = mkdtempSync(path.join(tmpdir(), "ponder-fuzz-"));
    const modelsDir = path.join(dir, "models");
    const sandboxDir = path.join(dir, "sandbox");
    mkdirSync(modelsDir);
    mkdirSync(sandboxDir);
    writeFileSync(path.join(sandboxDir, "file.gguf"), "not a model");
    copyFileSync(fixtures.prefilled, path.join(modelsDir, model));
    const deadPort = await freePort();
    serve = await startServe({
        dataDir: path.join(dir, "data"), modelsDir, model,
        // Downloads and hub lookups go to a closed port: nothing leaves the machine.
        extraArgs: ["--hub-url", `http://127.0.0.1:${deadPort}`]
    });
    const url = new URL(serve.url);
    const token = url.searchParams.get("token")!;
    dbPath = path.join(dir, "data", "ponder.db");
    target = {
        port: Number(url.port),
        token,
        apiKey: token,
        requestSchemas: Object.fromEntries(Object.entries(requestSchemas).map(([name, schema]) =>
            [name, z.toJSONSchema(schema as z.ZodType, {unrepresentable: "any", io: "input"}) as JsonSchema])),
        argumentContext: {sandboxDir, closedPort: deadPort}
    };
});
afterAll(async () => {
    await serve?.kill();
    if (dir != null)
        rmSync(dir, {recursive: true, force: true});
});

/** Requests an ordinary client had served after a batch: the page, a contract call, the API, a completion. */
async function ordinaryClientServed(): Promise<number> {
    const base = `http://127.0.0.1:${target.port}`;
    expect((await fetch(`${base}/?token=${target.token}`)).status, "the page").toBe(200);
    const socket = new WebSocket(`ws://127.0.0.1:${target.port}/rpc?token=${target.token}`);
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const rpc = createBirpc<MainFunctions, RendererFunctions>({} as RendererFunctions, {
        post: (data) => socket.send(data),
        on: (receive) => void socket.on("message", (data) => receive(data.toString())),
        serialize: JSON.stringify,
        deserialize: (text) => JSON.parse(text as string),
        timeout: 15_000
    });
    try {
        expect(await rpc.$call("app.getInfo"), "a contract call").toMatchObject({shell: "headless"});
        await rpc.$call("chats.list", {});
        // The fuzz may have unloaded the model (a valid models.unload); a client would load it again.
        if ((await rpc.$call("models.getState")).status !== "ready")
            expect((await rpc.$call("models.load", {modelId: model})).status).toBe("ready");
    } finally {
        socket.close();
    }
    const headers = {Authorization: `Bearer ${target.apiKey}`, "Content-Type": "application/json"};
    expect((await fetch(`${base}/v1/models`, {headers})).status, "the API").toBe(200);
    const completion = await fetch(`${base}/v1/chat/completions`, {
        method: "POST", headers,
        body: JSON.stringify({model, messages: [{role: "user", content: "Hi"}], max_tokens: 2, temperature: 0})
    });
    expect(completion.status, "a completion").toBe(200);
    await completion.json();
    return 6;
}

function databaseIntact(): string {
    const db = new Database(dbPath, {readonly: true, fileMustExist: true});
    try {
        return db.pragma("integrity_check", {simple: true}) as string;
    } finally {
        db.close();
    }
}

async function runPool(attacks: Attack[]): Promise<number> {
    let answered = 0;
    let next = 0;
    await Promise.all(Array.from({length: concurrency}, async () => {
        while (next < attacks.length) {
            const attack = attacks[next++]!;
            if (await attack.run())
                answered++;
        }
    }));
    return answered;
}

describe("serve under hostile traffic", () => {
    test(`stays up, serves ordinary clients and keeps its database intact (seed ${seed})`, async () => {
        const started = performance.now();
        const tried: Record<AttackCategory, number> = {http: 0, websocket: 0, rpc: 0, v1: 0};
        let answeredAttacks = 0;
        let servedOrdinary = 0;
        let batches = 0;
        while (performance.now() - started < budgetMs) {
            // One generator per batch: a failing batch is replayed from the seed and its number alone.
            const random = new Random(seed + batches);
            const attacks = Array.from({length: attacksPerBatch}, (_, index) => makeAttack(categories[index % categories.length]!, random, target));
            answeredAttacks += await runPool(attacks);
            for (const attack of attacks)
                tried[attack.category]++;
            try {
                expect(serve.process.exitCode, "serve is still running").toBeNull();
                expect(serve.process.signalCode, "serve is still running").toBeNull();
                servedOrdinary += await ordinaryClientServed();
                expect(databaseIntact(), "PRAGMA integrity_check").toBe("ok");
                expect(serve.errors.filter((line) => line.includes("Ponder keeps running")), "errors only the last-line handler caught").toEqual([]);
            } catch (error) {
                mkdirSync("test/.cache", {recursive: true});
                writeFileSync("test/.cache/fuzz-failure.json", JSON.stringify({seed, batch: batches, attacks: attacks.map(({category, summary}) => ({category, summary})), serveErrors: serve.errors.slice(-50)}, null, 2));
                throw new Error(`Batch ${batches} of seed ${seed} broke serve (attacks in test/.cache/fuzz-failure.json): ${(error as Error).message}`, {cause: error});
            }
            batches++;
        }
        const attacksTried = Object.values(tried).reduce((sum, count) => sum + count, 0);
        // One JSON line of figures, as the benches print theirs.
        console.log(JSON.stringify({fuzz: "serve", seed, batches, attacksTried, tried, answeredAttacks, ordinaryRequestsServed: servedOrdinary, crashes: 0, ms: Math.round(performance.now() - started)}));
        expect(batches).toBeGreaterThan(0);
    });
});
