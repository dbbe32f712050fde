import http from "node:http";
import type {AddressInfo} from "node:net";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {OpenAiApi} from "../../../electron/server/openai/OpenAiApi.ts";

// The model-backed behaviour is in test/model/OpenAiApi.test.ts; this is what needs no model.
let server: http.Server;
let base: string;
const allowed = "http://localhost:5173";

beforeAll(async () => {
    const api = new OpenAiApi({models: {loaded: undefined}, apiKey: () => "key", corsOrigins: [allowed]});
    server = http.createServer((request, response) => void api.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("OpenAiApi CORS, when configured", () => {
    test("an allowed origin's preflight and request get its Access-Control headers", async () => {
        const preflight = await fetch(`${base}/v1/chat/completions`, {method: "OPTIONS", headers: {Origin: allowed, "Access-Control-Request-Method": "POST"}});
        expect(preflight.status).toBe(204);
        expect(preflight.headers.get("access-control-allow-origin")).toBe(allowed);
        expect(preflight.headers.get("access-control-allow-headers")).toContain("authorization");

        const response = await fetch(`${base}/v1/models`, {headers: {Origin: allowed, Authorization: "Bearer key"}});
        expect(response.status).toBe(200);
        expect(response.headers.get("access-control-allow-origin")).toBe(allowed);
        expect(await response.json()).toEqual({object: "list", data: []});
    });

    test("another origin is refused, preflight included, and still needs no model to be told so", async () => {
        const preflight = await fetch(`${base}/v1/models`, {method: "OPTIONS", headers: {Origin: "https://elsewhere.example"}});
        expect(preflight.status).toBe(403);
        expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
        expect(((await preflight.json()) as {error: {code: string}}).error.code).toBe("origin_not_allowed");
    });

    test("with no model loaded, a completion names the problem", async () => {
        const response = await fetch(`${base}/v1/chat/completions`, {
            method: "POST",
            headers: {Authorization: "Bearer key", "Content-Type": "application/json"},
            body: JSON.stringify({model: "anything", messages: [{role: "user", content: "Hi"}]})
        });
        expect(response.status).toBe(404);
        expect(((await response.json()) as {error: {message: string}}).error.message).toMatch(/No model is loaded/);
    });
});
