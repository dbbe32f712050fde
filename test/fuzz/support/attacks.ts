import WebSocket from "ws";
import type {ArgumentContext, JsonSchema} from "./fromSchema.ts";
import {argumentFor} from "./fromSchema.ts";
import type {Random} from "./random.ts";
import {clientFrame, rawExchange, statusOf, upgradeRequest} from "./rawClients.ts";

export type AttackCategory = "http" | "websocket" | "rpc" | "v1";

export interface Target {
    port: number;
    token: string;
    /** The OpenAI-compatible API's key. */
    apiKey: string;
    /** Each contract request's argument schema, as JSON Schema. */
    requestSchemas: Record<string, JsonSchema>;
    argumentContext: ArgumentContext;
}

export interface Attack {
    category: AttackCategory;
    /** Enough to see what was sent when a batch fails (the seed replays it exactly). */
    summary: string;
    /** Resolves with whether the server answered at all (an HTTP status, a frame, a reply). */
    run(): Promise<boolean>;
}

/** Every UTF-8 byte percent-encoded; lone surrogates become U+FFFD instead of throwing as encodeURIComponent does. */
function percentEncoded(text: string): string {
    return [...Buffer.from(text)].map((byte) => `%${byte.toString(16).padStart(2, "0")}`).join("");
}

const prototypeNames = ["valueOf", "constructor", "toString", "hasOwnProperty", "__proto__", "toJSON", "then", "isPrototypeOf", "__defineGetter__", "propertyIsEnumerable", "toLocaleString"];

export function makeAttack(category: AttackCategory, random: Random, target: Target): Attack {
    switch (category) {
        case "http":
            return httpAttack(random, target);
        case "websocket":
            return webSocketAttack(random, target);
        case "rpc":
            return rpcAttack(random, target);
        case "v1":
            return v1Attack(random, target);
    }
}

/** Raw HTTP: broken request lines, headers and encodings, bodies that lie about their length, resets anywhere. */
function httpAttack(random: Random, target: Target): Attack {
    const method = random.pick(["GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH", "TRACE", "CONNECT", "get", "G ET", random.hostileString(8)]);
    const path = random.pick([
        "/", `/?token=${target.token}`, "/rpc", "/v1", "/v1/models", "/v1/chat/completions", "/v1/models/%ZZ", "/%", "/%E0%A4%A",
        "/assets/%2e%2e/%2e%2e/etc/passwd", "//evil.example/", "http://[/", "http://evil.example/v1/models", "*", "",
        "/" + "a".repeat(random.int(1, 20_000)), `/${percentEncoded(random.hostileString(16))}`, `/${random.hostileString(16)}`
    ]);
    const version = random.pick(["HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/9.9", "", "HTTP/1.1 extra"]);
    const headers: string[] = [];
    const host = random.pick(["127.0.0.1", `127.0.0.1:${target.port}`, "localhost", "[::1]", "attacker.example", "127.0.0.1@evil", "", "a".repeat(300), null]);
    if (host != null)
        headers.push(`Host: ${host}`);
    if (random.chance(0.2))
        headers.push(`Host: ${random.hostileString(12)}`);
    if (random.chance(0.5))
        headers.push(`Authorization: Bearer ${random.chance(0.7) ? target.apiKey : random.hostileString(40)}`);
    if (random.chance(0.3))
        headers.push(`Cookie: ponder_token=${random.chance(0.5) ? target.token : random.hostileString(30)}`);
    if (random.chance(0.3))
        headers.push(`Origin: ${random.pick(["http://evil.example", "null", `http://127.0.0.1:${target.port}`, random.hostileString(20)])}`);
    if (random.chance(0.2))
        headers.push("Upgrade: websocket", "Connection: Upgrade", `Sec-WebSocket-Key: ${random.pick(["dGhlIHNhbXBsZSBub25jZQ==", random.hostileString(10)])}`, `Sec-WebSocket-Version: ${random.pick(["13", "8", "x"])}`);
    if (random.chance(0.2))
        headers.push(`${random.pick(["X-Long", "X\u0001Bad", "Bad Name", ":", "X-Empty"])}: ${"v".repeat(random.int(0, 20_000))}`);
    const body = random.chance(0.5) ? Buffer.from(JSON.stringify(random.json(3))) : random.bytes(random.int(0, 300));
    const framing = random.int(0, 4);
    if (framing === 0)
        headers.push(`Content-Length: ${body.length}`);
    else if (framing === 1)
        headers.push(`Content-Length: ${random.pick([body.length + random.int(1, 100), -1, "abc", 2 ** 60, body.length - 1])}`);
    else if (framing === 2)
        headers.push("Transfer-Encoding: chunked");
    else if (framing === 3)
        headers.push(`Content-Length: ${body.length}`, "Transfer-Encoding: chunked");
    const payload = framing === 2 || framing === 3
        ? Buffer.concat([Buffer.from(`${random.pick([body.length.toString(16), "zz", "-1", "ffffffffffff"])}\r\n`), body, Buffer.from(random.pick(["\r\n0\r\n\r\n", "\r\n", ""]))])
        : body;
    const request = Buffer.concat([Buffer.from(`${method} ${path} ${version}\r\n${headers.join("\r\n")}\r\n\r\n`, "latin1"), payload]);
    const resetAfterMs = random.chance(0.3) ? random.int(0, 30) : undefined;
    const cut = random.chance(0.2) ? random.int(0, request.length) : request.length;
    return {
        category: "http",
        summary: `${method} ${path.slice(0, 60)} ${version} [${headers.length} headers, ${payload.length} B${cut < request.length ? `, cut at ${cut}` : ""}${resetAfterMs == null ? "" : `, reset after ${resetAfterMs} ms`}]`,
        run: async () => statusOf((await rawExchange(target.port, request.subarray(0, cut), {waitMs: 400, resetAfterMs, until: (received) => statusOf(received) != null})).received) != null
    };
}

/** WebSocket frames: random opcodes, lengths, masks, fragments and invalid UTF-8 on an accepted socket. */
function webSocketAttack(random: Random, target: Target): Attack {
    const authorized = random.chance(0.85);
    const frames = Array.from({length: random.int(1, 4)}, () => {
        const opcode = random.chance(0.6) ? random.pick([0, 1, 2, 8, 9, 10]) : random.int(0, 15);
        const payload = random.pick([
            () => random.bytes(random.int(0, 200)),
            () => Buffer.from(JSON.stringify(random.json(3))),
            () => Buffer.from([0xc3, 0x28, 0xed, 0xa0, 0x80, 0xff]),
            () => Buffer.alloc(random.int(126, 70_000), 0x61),
            () => Buffer.concat([Buffer.from([random.int(0, 255), random.int(0, 255)]), random.bytes(random.int(0, 10))])
        ])();
        const lieAboutLength = random.chance(0.1);
        return {
            opcode, fin: random.chance(0.8), rsv: random.chance(0.1) ? random.int(1, 7) : 0,
            mask: random.chance(0.9) ? random.bytes(4) : null,
            length: lieAboutLength ? random.pick([payload.length + 1, 5 * 1024 * 1024, 2 ** 40, 0]) : payload.length,
            payload
        };
    });
    const bytes = Buffer.concat([Buffer.from(upgradeRequest(`/rpc?token=${authorized ? target.token : "wrong"}`)), ...frames.map((frame) => clientFrame(frame))]);
    const resetAfterMs = random.chance(0.3) ? random.int(0, 30) : undefined;
    return {
        category: "websocket",
        summary: `${authorized ? "" : "unauthorized "}frames ${frames.map((frame) => `op${frame.opcode}${frame.fin ? "" : "-more"}${frame.rsv ? `-rsv${frame.rsv}` : ""}${frame.mask ? "" : "-unmasked"}:${frame.payload.length}${frame.length === frame.payload.length ? "" : `(says ${frame.length})`}`).join(" ")}${resetAfterMs == null ? "" : `, reset after ${resetAfterMs} ms`}`,
        run: async () => statusOf((await rawExchange(target.port, bytes, {waitMs: 300, resetAfterMs})).received) != null
    };
}

/** RPC messages on an accepted socket: any method name, prototype names included, and arguments for every contract request. */
function rpcAttack(random: Random, target: Target): Attack {
    const contractNames = Object.keys(target.requestSchemas);
    const messages = Array.from({length: random.int(1, 6)}, (_, index) => {
        const kind = random.int(0, 9);
        if (kind === 0)
            return random.pick(["null", "42", "\"q\"", "[]", "{}", "not json", "{\"t\":\"q\"}", JSON.stringify(random.json(3))]);
        if (kind === 1)
            return JSON.stringify({t: "s", i: random.hostileString(8), r: random.json(2), e: random.json(1)});
        const method = kind === 2 ? random.pick(prototypeNames) : kind === 3 ? random.hostileString(20) : random.pick(contractNames);
        const schema = target.requestSchemas[method];
        const argument = schema != null && random.chance(0.85) ? argumentFor(schema, random, target.argumentContext) : random.json(3);
        const call: Record<string, unknown> = {t: "q", m: method, a: random.chance(0.95) ? [argument] : random.json(1)};
        if (random.chance(0.9))
            call.i = `fuzz-${index}`;
        if (random.chance(0.05))
            call.o = true;
        return JSON.stringify(call);
    });
    // Leave at once (the disconnect that used to turn a prototype call into a crash), or wait for answers.
    const leaveAfterMs = random.pick([0, 0, 5, 50, 400]);
    return {
        category: "rpc",
        summary: `${messages.map((message) => message.slice(0, 80)).join(" | ")} then leave after ${leaveAfterMs} ms`,
        run: () => new Promise((resolve) => {
            const socket = new WebSocket(`ws://127.0.0.1:${target.port}/rpc?token=${target.token}`);
            let answered = false;
            const finish = () => {
                socket.terminate();
                resolve(answered);
            };
            socket.on("error", finish);
            socket.on("message", () => void (answered = true));
            socket.on("close", () => {
                answered = true;
                finish();
            });
            socket.on("open", () => {
                for (const message of messages)
                    socket.send(message);
                setTimeout(finish, leaveAfterMs);
            });
        })
    };
}

/** `/v1`: a valid completion request with fields replaced by random JSON, other paths and methods, clients that leave early. */
function v1Attack(random: Random, target: Target): Attack {
    const body: Record<string, unknown> = {
        model: random.pick(["prefilled.gguf", "nope", ""]),
        messages: [{role: "user", content: "Hi"}],
        max_tokens: random.int(1, 8),
        stream: random.chance(0.5)
    };
    const fields = ["model", "messages", "stream", "stream_options", "temperature", "top_p", "max_tokens", "max_completion_tokens", "stop", "seed",
        "presence_penalty", "frequency_penalty", "reasoning_effort", "reasoning_budget", "thinking_budget", "n", "tools", "__proto__", "constructor"];
    for (let count = random.int(1, 3); count > 0; count--)
        body[random.pick(fields)] = random.json(3);
    if (random.chance(0.2))
        body.messages = [{role: random.pick(["user", "system", "assistant", "developer", "tool", "wizard"]), content: random.json(2), reasoning_content: random.json(1)}];
    const text = random.chance(0.1) ? random.hostileString(200) : JSON.stringify(body);
    const request = random.pick([
        {method: "POST", path: "/v1/chat/completions"},
        {method: "POST", path: "/v1/chat/completions"},
        {method: "GET", path: `/v1/models/${percentEncoded(random.hostileString(10))}`},
        {method: random.pick(["PUT", "DELETE", "PATCH", "GET"]), path: random.pick(["/v1/chat/completions", "/v1/embeddings", "/v1", "/v1/models"])}
    ]);
    const leaveAfterMs = random.chance(0.25) ? random.int(0, 200) : 5_000;
    return {
        category: "v1",
        summary: `${request.method} ${request.path} ${text.slice(0, 160)}${leaveAfterMs < 5_000 ? `, leave after ${leaveAfterMs} ms` : ""}`,
        run: async () => {
            try {
                const response = await fetch(`http://127.0.0.1:${target.port}${request.path}`, {
                    method: request.method,
                    headers: {
                        Authorization: `Bearer ${random.chance(0.9) ? target.apiKey : "wrong"}`,
                        "Content-Type": random.pick(["application/json", "text/plain", "application/x-www-form-urlencoded"])
                    },
                    body: request.method === "GET" ? undefined : text,
                    signal: AbortSignal.timeout(leaveAfterMs)
                });
                await response.arrayBuffer();
                return true;
            } catch {
                return false;
            }
        }
    };
}
