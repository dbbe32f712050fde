import {availableParallelism} from "node:os";
import {createBirpc} from "birpc";
import {resolveChatWrapper, type LlamaContextSequence, type LlamaModel, type Token} from "node-llama-cpp";
import WebSocket from "ws";
import type {MainFunctions, Message, RendererFunctions} from "../../electron/contract.ts";
import {PonderServer} from "../../electron/server/PonderServer.ts";
import {ensureBenchModel} from "../fixtures/models/fixtureModels.ts";
import {median, round2, round3, streamTiming, type Measure, type RunTiming} from "./measure.ts";
import {openBenchCore, openBenchLlama, type BenchCore} from "./support/openBenchCore.ts";

const generatedTokens = 160;
const rounds = 7;
const contextSize = 2048;

/**
 * Ponder's whole path (core, WebSocket transport, a client receiving the deltas) against a raw
 * node-llama-cpp decode loop on the same model, threads and prompt, greedy so both do the
 * same work. Rounds alternate between the two so drifts in machine load hit both alike.
 */
export async function appPathBench(): Promise<Measure[]> {
    const modelPath = await ensureBenchModel();
    const threads = availableParallelism();
    const prompts = ["How", "Why", "When", "Where", "Which", "Could", "Should"].slice(0, rounds)
        .map((word, round) => `${word} would you count the prime numbers below ${100 + round * 17}?`);

    const raw = await RawDecoder.open(modelPath, threads);
    const app = await AppClient.open();
    const rawRuns: RunTiming[] = [];
    const appRuns: RunTiming[] = [];
    try {
        // A warm-up of each, so neither pays for first-use allocations in the figures.
        await raw.run("Warm up.");
        await app.run("Warm up.");
        for (const prompt of prompts) {
            rawRuns.push(await raw.run(prompt));
            appRuns.push(await app.run(prompt));
        }
    } finally {
        await app.close();
        await raw.close();
    }

    // Each round's ratio pairs two runs made seconds apart, so drifts in machine load cancel out.
    const pairedRatio = median(rawRuns.map((run, round) => appRuns[round]!.tokensPerSecond / run.tokensPerSecond));
    const rawTps = median(rawRuns.map((run) => run.tokensPerSecond));
    const appTps = median(appRuns.map((run) => run.tokensPerSecond));
    const rawTtft = median(rawRuns.map((run) => run.timeToFirstTokenMs));
    const appTtft = median(appRuns.map((run) => run.timeToFirstTokenMs));
    return [
        {measure: "decode.raw_tokens_per_second", value: round2(rawTps), unit: "tokens/s", target: null},
        {measure: "decode.app_tokens_per_second", value: round2(appTps), unit: "tokens/s", target: null},
        {measure: "decode.app_to_raw_tokens_per_second_ratio", value: round3(pairedRatio), unit: "ratio", target: ">= 0.97"},
        {measure: "decode.raw_time_to_first_token", value: round2(rawTtft), unit: "ms", target: null},
        {measure: "decode.app_time_to_first_token", value: round2(appTtft), unit: "ms", target: null},
        {measure: "decode.app_added_time_to_first_token", value: round2(appTtft - rawTtft), unit: "ms", target: "<= 30"}
    ];
}

/** The baseline: `sequence.evaluate` on the chat-formatted prompt, nothing else. */
class RawDecoder {
    private constructor(private readonly model: LlamaModel, private readonly sequence: LlamaContextSequence) {}

    static async open(modelPath: string, threads: number) {
        const llama = await openBenchLlama();
        const model = await llama.loadModel({modelPath});
        const context = await model.createContext({contextSize, threads});
        return new RawDecoder(model, context.getSequence());
    }

    async run(prompt: string): Promise<RunTiming> {
        const wrapper = resolveChatWrapper(this.model);
        const {contextText} = wrapper.generateContextState({chatHistory: [{type: "user", text: prompt}, {type: "model", response: []}]});
        const tokens: Token[] = contextText.tokenize(this.model.tokenizer);
        // Keep what the previous prompt shares with this one, exactly as the app does, so both evaluate the same tokens.
        const {firstDifferentIndex} = this.sequence.compareContextTokens(tokens);
        await this.sequence.eraseContextTokenRanges([{start: firstDifferentIndex, end: this.sequence.nextTokenIndex}]);
        const startedAt = performance.now();
        let firstAt = 0;
        let count = 0;
        for await (const token of this.sequence.evaluate(tokens.slice(firstDifferentIndex), {temperature: 0})) {
            void token;
            if (count === 0)
                firstAt = performance.now();
            if (++count >= generatedTokens)
                break;
        }
        const endedAt = performance.now();
        return streamTiming(startedAt, firstAt, endedAt, count);
    }

    async close() {
        await this.model.dispose();
    }
}

/** The app: a real core behind a real `serve` server, driven by a WebSocket client like the renderer. */
class AppClient {
    private constructor(
        private readonly bench: BenchCore,
        private readonly server: PonderServer,
        private readonly socket: WebSocket,
        private readonly rpc: ReturnType<typeof createBirpc<MainFunctions, RendererFunctions>>,
        private readonly listeners: {onDelta?: () => void; onDone?: (message: Message) => void}
    ) {}

    static async open() {
        const bench = await openBenchCore({contextSize, chats: {generation: {maxTokens: generatedTokens, sampling: {temperature: 0}}}});
        const server = new PonderServer(bench.core, {rendererDir: bench.dir, port: 0});
        const address = new URL(await server.listen());
        const socket = new WebSocket(`ws://${address.host}/rpc?token=${server.token}`);
        await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
        const listeners: {onDelta?: () => void; onDone?: (message: Message) => void} = {};
        const rpc = createBirpc<MainFunctions, RendererFunctions>({
            "chats.delta": () => listeners.onDelta?.(),
            "chats.messageUpdated": (message) => listeners.onDone?.(message),
            "chats.listChanged": () => undefined,
            "models.stateChanged": () => undefined,
            "models.listChanged": () => undefined,
            "downloads.changed": () => undefined,
            "engines.listChanged": () => undefined,
            "api.stateChanged": () => undefined,
            "tools.changed": () => undefined,
            "chats.toolCall": () => undefined,
            "chats.sources": () => undefined
        }, {
            post: (data) => socket.send(data),
            on: (receive) => void socket.on("message", (data) => receive(data.toString())),
            serialize: JSON.stringify,
            deserialize: (text) => JSON.parse(text as string),
            timeout: -1
        });
        return new AppClient(bench, server, socket, rpc, listeners);
    }

    async run(prompt: string): Promise<RunTiming> {
        let firstAt = 0;
        let lastAt = 0;
        const done = new Promise<Message>((resolve) => {
            this.listeners.onDone = (message) => {
                if (message.role === "assistant" && message.status !== "streaming")
                    resolve(message);
            };
        });
        this.listeners.onDelta = () => {
            lastAt = performance.now();
            firstAt ||= lastAt;
        };
        const startedAt = performance.now();
        await this.rpc.$call("chats.send", {text: prompt});
        const message = await done;
        const tokens = (message.stats?.reasoningTokens ?? 0) + (message.stats?.answerTokens ?? 0);
        if (message.status === "error" || tokens < generatedTokens)
            throw new Error(`The app's reply ended early (${message.status}, ${tokens} tokens): ${message.error}`);
        return streamTiming(startedAt, firstAt, lastAt, tokens);
    }

    async close() {
        this.socket.close();
        await this.server.close();
        await this.bench.close();
    }
}
