import {failureOf, PonderError} from "../../contract/errors.ts";
import {randomUUID} from "node:crypto";
import type {MessageToolCall, ToolConsent, ToolLimits} from "../../contract.ts";
import {addDraftCounts, type AssistantPart, type DetectedToolCall, type EngineReply, type ReplyEngine, type ReplyListener, type ReplyRequest} from "../replies/ReplyEngine.ts";
import type {CallableTool, ToolCallOutcome} from "./ToolServers.ts";

/** What a tool loop needs from the app around it: the tools, the user's consent, and where calls are shown. */
export interface ToolLoopHooks {
    /** The tools offered for this reply, by the name the model calls them. */
    tools: readonly CallableTool[];
    limits: ToolLimits;
    run(tool: CallableTool, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolCallOutcome>;
    /** Asks the user about a call; rejects when the reply stops meanwhile. */
    ask(call: MessageToolCall, signal: AbortSignal): Promise<ToolConsent>;
    /** The user chose "Always allow": the tool runs without asking from now on. */
    allowAlways(tool: CallableTool): void;
    /** A call appeared or changed (asked, running, done…); the same `id` throughout. */
    onCall(call: MessageToolCall): void;
}

/** A reply's calls so far: how many ran, whether the model was told the limit is reached, and the time they took. */
interface CallTally {
    calls: number;
    toldLimit: boolean;
    toolMs: number;
}

/** What the model reads back when its call could not run, and what the user reads. */
class CallRefused extends Error {
    readonly forModel: string;

    constructor(refusal: Error, forModel: string) {
        super(refusal.message, {cause: refusal});
        this.forModel = forModel;
    }

    /** The error as the user reads it. */
    get refusal(): Error {
        return this.cause as Error;
    }
}

/**
 * A reply engine that lets the model use tools: each round runs the inner engine with the
 * tools offered; a round that ends in a call gets the user's consent (unless the tool is always
 * allowed), runs it within the limits, and starts the next round with the call and its result
 * in the reply's own turn, until the model answers. Stopping ends a round or a call at once.
 */
export class ToolLoop implements ReplyEngine {
    readonly #inner: ReplyEngine;
    readonly #hooks: ToolLoopHooks;

    constructor(inner: ReplyEngine, hooks: ToolLoopHooks) {
        this.#inner = inner;
        this.#hooks = hooks;
    }

    get capabilities() {
        return this.#inner.capabilities;
    }

    dispose(): Promise<void> {
        return this.#inner.dispose();
    }

    async generate(request: ReplyRequest, listener: ReplyListener, signal: AbortSignal): Promise<EngineReply> {
        const hooks = this.#hooks;
        const definitions = Object.fromEntries(hooks.tools.map((tool) => [tool.callName, {description: tool.description, parameters: tool.inputSchema}]));
        const parts: AssistantPart[] = [];
        /** Segments shown so far, and those whose next text follows a call (a paragraph break apart from it, for the reader only). */
        const shown = new Set<"reasoning" | "answer">();
        const afterCall = new Set<"reasoning" | "answer">();
        const recording: ReplyListener = {
            ...listener,
            onChunk: (segment, text) => {
                addText(parts, segment, text);
                if (afterCall.delete(segment) && shown.has(segment))
                    listener.onChunk(segment, callSeparator);
                shown.add(segment);
                listener.onChunk(segment, text);
            }
        };
        let total: EngineReply | undefined;
        const tally: CallTally = {calls: 0, toldLimit: false, toolMs: 0};
        for (;;) {
            const turns = parts.length === 0 ? request.turns : [...request.turns, {role: "assistant" as const, text: "", parts: [...parts]}];
            const round = await this.#inner.generate({
                ...request,
                turns,
                tools: definitions,
                continueLastTurn: parts.length === 0 && request.continueLastTurn,
                maxTokens: remaining(request.maxTokens, total),
                reasoningBudget: remaining(request.reasoningBudget, total, "reasoning")
            }, recording, signal);
            total = total == null ? round : combine(total, round);
            if (round.stopReason !== "toolCall" || round.toolCalls == null || round.toolCalls.length === 0) {
                // Each round was given what was left of Max tokens; the limit reached is the whole of it.
                const limit = total.limit?.name === "maxTokens" && request.maxTokens != null ? {name: "maxTokens" as const, tokens: request.maxTokens} : total.limit;
                return {...total, toolMs: tally.toolMs, ...(limit == null ? {} : {limit})};
            }
            // Calls written one after another run one after another, each asked about, their results in order.
            const toldLimitBefore = tally.toldLimit;
            for (const detected of round.toolCalls) {
                const part = await this.#handleCall(detected, tally, toldLimitBefore, signal);
                if (part == null)
                    return {...total, stopReason: "stopped", toolMs: tally.toolMs};
                parts.push(part);
            }
            afterCall.add("reasoning").add("answer");
        }
    }

    /** One call of a round, from its parsing to its result; what the model reads back, or undefined when the reply was stopped. */
    async #handleCall(detected: DetectedToolCall, tally: CallTally, toldLimitBefore: boolean, signal: AbortSignal): Promise<AssistantPart | undefined> {
        const hooks = this.#hooks;
        const startedAt = performance.now();
        const call: MessageToolCall = {
            id: randomUUID(), name: "", serverName: null, arguments: detected.body.trim(), status: "running",
            result: null, isError: false, truncatedFromChars: null, error: null, reasoningOffset: 0, textOffset: 0,
            segment: detected.segment, durationMs: null
        };
        let forModel: string;
        let parsed: {name: string; arguments?: unknown} | undefined;
        try {
            parsed = parseCall(detected);
            call.name = parsed.name;
            call.arguments = JSON.stringify(parsed.arguments ?? {}, null, 2);
            if (tally.calls >= hooks.limits.maxCallsPerReply) {
                // Told in one round; a model that calls again in a later round ends the reply.
                if (toldLimitBefore)
                    throw new PonderError("tools.callsPastLimit", {limit: hooks.limits.maxCallsPerReply});
                tally.toldLimit = true;
                throw new CallRefused(new PonderError("tools.callLimit", {limit: hooks.limits.maxCallsPerReply}),
                    `Error: the limit of ${hooks.limits.maxCallsPerReply} tool calls in this reply is reached. Answer without calling tools.`);
            }
            const tool = hooks.tools.find((candidate) => candidate.callName === parsed!.name);
            if (tool == null)
                throw new CallRefused(new PonderError("tools.callUnknown", {name: parsed.name}),
                    `Error: there is no tool named "${parsed.name}". The tools are: ${hooks.tools.map((candidate) => candidate.callName).join(", ")}.`);
            call.serverName = tool.serverName;
            tally.calls++;
            forModel = await this.#consentAndRun(tool, call, parsed.arguments, signal);
        } catch (error) {
            if (signal.aborted) {
                hooks.onCall({...call, status: "stopped", durationMs: Math.round(performance.now() - startedAt)});
                tally.toolMs += performance.now() - startedAt;
                return undefined;
            }
            // Anything but a refused call (a model that keeps calling past the limit) ends the reply.
            if (!(error instanceof CallRefused))
                throw error;
            forModel = error.forModel;
            hooks.onCall({...call, status: "failed", error: failureOf(error.refusal), durationMs: Math.round(performance.now() - startedAt)});
        }
        tally.toolMs += performance.now() - startedAt;
        return {type: "toolCall", body: detected.body, name: parsed?.name ?? call.name, arguments: parsed?.arguments, result: forModel};
    }

    /** Asks (unless always allowed), runs, and reports the call; returns what the model reads back. */
    async #consentAndRun(tool: CallableTool, call: MessageToolCall, args: unknown, signal: AbortSignal): Promise<string> {
        const hooks = this.#hooks;
        if (!tool.alwaysAllow) {
            // Waiting for the answer before the call is shown, so an answer as quick as the event finds it.
            const answer = hooks.ask({...call, status: "awaitingConsent"}, signal);
            hooks.onCall({...call, status: "awaitingConsent"});
            const decision = await answer;
            if (decision === "deny") {
                hooks.onCall({...call, status: "denied", durationMs: 0});
                return "The user denied this tool call.";
            }
            if (decision === "alwaysAllow")
                hooks.allowAlways(tool);
        }
        hooks.onCall({...call, status: "running"});
        const ranAt = performance.now();
        let outcome: ToolCallOutcome;
        try {
            outcome = await hooks.run(tool, isRecord(args) ? args : {}, signal);
        } catch (error) {
            // A failure of the call (timeout, server gone) is the model's to hear about, not the reply's end.
            throw signal.aborted ? error : new CallRefused(error as Error, `Error: ${(error as Error).message}`);
        }
        hooks.onCall({
            ...call, status: "done", result: outcome.text, isError: outcome.isError, truncatedFromChars: outcome.truncatedFromChars,
            durationMs: Math.round(performance.now() - ranAt)
        });
        return outcome.truncatedFromChars == null
            ? outcome.text
            : `${outcome.text}\n[The result was cut to its first ${outcome.text.length} of ${outcome.truncatedFromChars} characters.]`;
    }
}

/** Between the text before a call and the text after it, in what the user reads (the model's parts keep the text as written). */
export const callSeparator = "\n\n";

function parseCall(call: DetectedToolCall): {name: string; arguments?: unknown} {
    let value: unknown;
    try {
        value = JSON.parse(call.body);
    } catch {
        throw new CallRefused(new PonderError("tools.callNotJson"),
            "Error: the tool call is not valid JSON. Write {\"name\": <tool name>, \"arguments\": {…}} between the tags.");
    }
    if (!isRecord(value) || typeof value.name !== "string")
        throw new CallRefused(new PonderError("tools.callNoName"),
            "Error: the tool call has no \"name\". Write {\"name\": <tool name>, \"arguments\": {…}} between the tags.");
    return {name: value.name, arguments: value.arguments};
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value != null && !Array.isArray(value);
}

/** Appends a round's text to the reply's parts: the reasoning goes on until an answer follows it. */
function addText(parts: AssistantPart[], segment: "reasoning" | "answer", text: string) {
    const last = parts.at(-1);
    if (segment === "reasoning") {
        if (last?.type === "reasoning" && !last.ended)
            parts[parts.length - 1] = {...last, text: last.text + text};
        else
            parts.push({type: "reasoning", text, ended: false});
        return;
    }
    if (last?.type === "reasoning")
        parts[parts.length - 1] = {...last, ended: true};
    if (last?.type === "text")
        parts[parts.length - 1] = {...last, text: last.text + text};
    else
        parts.push({type: "text", text});
}

/** A round's counts added to the reply's: the prompt is the last round's, the rest adds up. */
function combine(total: EngineReply, round: EngineReply): EngineReply {
    return {
        ...round,
        reasoningCutByBudget: total.reasoningCutByBudget || round.reasoningCutByBudget,
        droppedTurns: total.droppedTurns,
        reusedPromptTokens: total.reusedPromptTokens + round.reusedPromptTokens,
        reasoningTokens: total.reasoningTokens + round.reasoningTokens,
        answerTokens: total.answerTokens + round.answerTokens,
        ...(total.firstTokenAt == null ? {} : {firstTokenAt: total.firstTokenAt}),
        ...addDraftCounts(total.draft, round.draft)
    };
}

/** What is left of a limit after the rounds so far (at least one token, so the next round can end itself). */
function remaining(limit: number | undefined, total: EngineReply | undefined, counted?: "reasoning"): number | undefined {
    if (limit == null || total == null)
        return limit;
    const used = counted === "reasoning" ? total.reasoningTokens : total.reasoningTokens + total.answerTokens;
    return Math.max(1, limit - used);
}
