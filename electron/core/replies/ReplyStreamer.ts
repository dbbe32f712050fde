import type {MessageStats, StopReason} from "../../contract.ts";
import {DeltaBatcher} from "./DeltaBatcher.ts";
import {addDraftCounts, type EngineReply, type ReplyEngine, type ReplyRequest} from "./ReplyEngine.ts";

/** A reply's text as it grows: the reasoning, the answer, and when the reasoning began and ended (epoch ms). */
export interface ReplyText {
    reasoning: string;
    text: string;
    reasoningStartedAt: number | null;
    reasoningEndedAt: number | null;
}

/** Text added since the previous delta, with the reply's reasoning times and context fill as of it. */
export interface ReplyDelta extends ReplyText {
    contextTokens?: number;
}

/** A reply once it has ended, however it ended; what was generated is kept. */
export interface FinishedReply extends ReplyText {
    stopReason: StopReason;
    /** Null when the engine failed before counting anything. */
    stats: MessageStats | null;
    /** The engine's own counts (prompt, cached tokens), for API usage; null when it failed. */
    counts: EngineReply | null;
    error: Error | null;
}

export interface ReplyStreamerOptions {
    modelId: string;
    /** At most one delta per this many ms; 0 hands each piece on as it comes (the API streams every token). */
    deltaIntervalMs: number;
    onDelta(delta: ReplyDelta): void;
    /** While the reply waits for the engine: replies ahead of it; `null` once it runs. */
    onQueuePosition?(ahead: number | null): void;
    /** Writes the reply at least this often while it streams (a chat's message), so a crash loses little. */
    save?: {intervalMs: number; write(reply: ReplyText): void};
    /** The answer being continued: its text so far, and the stats its counts add to. */
    continues?: {reply: ReplyText; stats: MessageStats | null};
}

/**
 * One reply from start to end, the same for a chat and for an API client: collects the
 * engine's pieces into reasoning and answer, times the reasoning, hands the text on in deltas,
 * saves it while it streams, and computes its stats. Nothing the engine throws escapes:
 * {@link run} always resolves with what was generated.
 */
export class ReplyStreamer {
    /** Everything generated so far. */
    readonly reply: ReplyText;
    /** Exactly what the deltas have handed on so far. */
    readonly delivered: ReplyText;
    readonly #options: ReplyStreamerOptions;

    constructor(options: ReplyStreamerOptions) {
        this.#options = options;
        const {reasoning = "", text = "", reasoningStartedAt = null, reasoningEndedAt = null} = options.continues?.reply ?? {};
        this.reply = {reasoning, text, reasoningStartedAt, reasoningEndedAt};
        this.delivered = {...this.reply};
    }

    async run(engine: ReplyEngine, request: ReplyRequest, signal: AbortSignal): Promise<FinishedReply> {
        const startedAt = performance.now();
        const {reply, delivered} = this;
        const options = this.#options;
        let contextTokens: number | undefined;
        let queued = false;
        const batcher = new DeltaBatcher(options.deltaIntervalMs, (delta) => {
            delivered.reasoning += delta.reasoning;
            delivered.text += delta.text;
            delivered.reasoningStartedAt = reply.reasoningStartedAt;
            delivered.reasoningEndedAt = reply.reasoningEndedAt;
            options.onDelta({...delta, reasoningStartedAt: reply.reasoningStartedAt, reasoningEndedAt: reply.reasoningEndedAt, ...(contextTokens == null ? {} : {contextTokens})});
        });
        const save = options.save;
        const saveTimer = save == null ? undefined : setInterval(() => save.write(reply), save.intervalMs);
        const started = () => {
            if (queued) {
                queued = false;
                options.onQueuePosition?.(null);
            }
        };

        let counts: EngineReply | null = null;
        let error: Error | null = null;
        try {
            counts = await engine.generate(request, {
                onChunk: (segment, text) => {
                    started();
                    if (segment === "reasoning") {
                        reply.reasoningStartedAt ??= Date.now();
                        reply.reasoning += text;
                    } else {
                        if (reply.reasoningStartedAt != null)
                            reply.reasoningEndedAt ??= Date.now();
                        reply.text += text;
                    }
                    batcher.add(segment, text);
                },
                onContextTokens: (tokens) => {
                    started();
                    contextTokens = tokens;
                },
                onQueuePosition: (ahead) => {
                    queued = true;
                    options.onQueuePosition?.(ahead);
                }
            }, signal);
        } catch (thrown) {
            error = thrown instanceof Error ? thrown : new Error(String(thrown));
        } finally {
            started();
            clearInterval(saveTimer);
            batcher.flush();
        }
        if (reply.reasoningStartedAt != null)
            reply.reasoningEndedAt ??= Date.now();
        const stopReason = stopReasonOf(counts, error);
        return {...reply, stopReason, stats: counts == null ? null : this.#stats(counts, stopReason, startedAt), counts, error};
    }

    #stats(counts: EngineReply, stopReason: StopReason, startedAt: number): MessageStats {
        const endedAt = performance.now();
        const generated = counts.reasoningTokens + counts.answerTokens;
        // A continuation's counts add to those of the text it continued.
        const before = this.#options.continues?.stats;
        const {reply} = this;
        return {
            modelId: this.#options.modelId,
            contextTokens: counts.promptTokens + generated,
            droppedTurns: counts.droppedTurns,
            timeToFirstTokenMs: Math.round((counts.firstTokenAt ?? endedAt) - startedAt),
            // Time on tool calls (asking, running) is no decoding.
            tokensPerSecond: decodeRate(generated, counts.firstTokenAt, endedAt - (counts.toolMs ?? 0)),
            reasoningMs: reply.reasoningStartedAt == null ? 0 : reply.reasoningEndedAt! - reply.reasoningStartedAt,
            reasoningTokens: counts.reasoningTokens + (before?.reasoningTokens ?? 0),
            answerTokens: counts.answerTokens + (before?.answerTokens ?? 0),
            stopReason,
            ...(stopReason === "length" && counts.limit != null ? {limit: counts.limit} : {}),
            ...(counts.toolMs == null ? {} : {toolMs: Math.round(counts.toolMs)}),
            ...addDraftCounts(before?.draft, counts.draft)
        };
    }
}

/**
 * Decode speed: the tokens after the first over the time from the first to the end, so the
 * prompt's evaluation (and any wait for a free sequence) isn't counted as decoding.
 */
export function decodeRate(generatedTokens: number, firstTokenAt: number | undefined, endedAt: number): number {
    const seconds = firstTokenAt == null ? 0 : (endedAt - firstTokenAt) / 1000;
    return generatedTokens > 1 && seconds > 0 ? (generatedTokens - 1) / seconds : 0;
}

function stopReasonOf(counts: EngineReply | null, error: Error | null): StopReason {
    if (error != null || counts == null)
        return "error";
    if (counts.stopReason === "finished" && counts.reasoningCutByBudget)
        return "budget";
    return counts.stopReason;
}
