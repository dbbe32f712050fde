import type {EngineCapabilities, EngineReply, ReplyEngine, ReplyListener, ReplyRequest, ReplyTurn} from "../replies/ReplyEngine.ts";

/**
 * A reply that first reads its documents: `prepare` finds the passages (indexing what it must,
 * which Stop cancels) and returns the turns to send in place of the request's, then the inner
 * engine answers. A reply stopped while preparing ends as stopped, having generated nothing.
 */
export class RetrievingEngine implements ReplyEngine {
    readonly #inner: ReplyEngine;
    readonly #prepare: (signal: AbortSignal) => Promise<readonly ReplyTurn[]>;

    constructor(inner: ReplyEngine, prepare: (signal: AbortSignal) => Promise<readonly ReplyTurn[]>) {
        this.#inner = inner;
        this.#prepare = prepare;
    }

    get capabilities(): EngineCapabilities {
        return this.#inner.capabilities;
    }

    async generate(request: ReplyRequest, listener: ReplyListener, signal: AbortSignal): Promise<EngineReply> {
        let turns: readonly ReplyTurn[];
        try {
            turns = await this.#prepare(signal);
        } catch (error) {
            if (signal.aborted)
                return {stopReason: "stopped", reasoningCutByBudget: false, promptTokens: 0, droppedTurns: 0, reusedPromptTokens: 0, reasoningTokens: 0, answerTokens: 0};
            throw error;
        }
        return this.#inner.generate({...request, turns}, listener, signal);
    }

    dispose(): Promise<void> {
        return this.#inner.dispose();
    }
}
