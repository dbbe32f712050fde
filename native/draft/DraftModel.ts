import path from "node:path";
import {DraftSequenceTokenPredictor, type Llama, type LlamaContext, type LlamaContextSequence, type LlamaModel, type Token} from "node-llama-cpp";
import {PonderError} from "../../electron/contract/errors.ts";
import {loadModelFile} from "../LoadedModel/loadModelFile.ts";

/**
 * Tokens the draft writes ahead for the target to check in one batch. node-llama-cpp 3.21.1's
 * `LlamaContextSequence._speculativeEvaluate` compares each drafted token after the first with
 * `validatedTokens.at(-1)`, an array it never fills, so only the first drafted token of a batch
 * can ever be accepted and the rest are erased and counted as refuted even when the draft was
 * right (16 drafted tokens per batch: 95 accepted of 862 with the target itself as draft). One
 * token a batch is the most that can help, and the only count that is honest.
 */
const draftTokens = 1;

/**
 * A small model that drafts tokens for the loaded one to check in a single batch (speculative
 * decoding): greedy output is the target's own, only faster where the draft guesses right.
 *
 * node-llama-cpp's predictor hands the target whatever the draft has written when the target
 * asks (`minTokens` 0 by default). The draft runs on the same CPU threads, concurrently, so a
 * decode loop that asks again at once almost never finds a drafted token: it made no
 * predictions at all here. The target therefore waits for the draft's token, which the draft
 * withholds itself when it isn't confident (the predictor's `minConfidence`).
 */
export class DraftModel {
    readonly filePath: string;
    readonly #model: LlamaModel;
    readonly #context: LlamaContext;

    private constructor(filePath: string, model: LlamaModel, context: LlamaContext) {
        this.filePath = filePath;
        this.#model = model;
        this.#context = context;
    }

    /** Loads a draft for `target`'s sequences; a draft whose vocabulary differs is refused with `model.draftVocabularyMismatch`. */
    static async load(llama: Llama, filePath: string, target: LlamaContext, options: {threads?: number; signal?: AbortSignal}): Promise<DraftModel> {
        const model = await loadModelFile(llama, filePath, {signal: options.signal});
        try {
            const context = await model.createContext({
                contextSize: target.contextSize,
                sequences: target.totalSequences,
                threads: options.threads,
                createSignal: options.signal
            });
            try {
                // llama.cpp's own check, the one the predictor runs on its first use: done here so a mismatch fails the load, in words.
                (target as unknown as NativeContextHolder)._ctx.ensureDraftContextIsCompatibleForSpeculative((context as unknown as NativeContextHolder)._ctx);
            } catch (error) {
                await context.dispose();
                throw new PonderError("model.draftVocabularyMismatch", {
                    draft: path.basename(filePath),
                    model: path.basename(target.model.filename ?? ""),
                    reason: (error as Error).message
                }, {cause: error});
            }
            return new DraftModel(filePath, model, context);
        } catch (error) {
            await model.dispose();
            throw error;
        }
    }

    /** A predictor over one of the draft's sequences, for one target sequence. */
    predictor(): CountingDraftPredictor {
        return new CountingDraftPredictor(this.#context.getSequence(), {minTokens: draftTokens, maxTokens: draftTokens});
    }

    async dispose(): Promise<void> {
        await this.#context.dispose();
        await this.#model.dispose();
    }
}

/**
 * Counts the drafted tokens it hands the target to check. node-llama-cpp's `refuted` counts
 * the tokens it erases after a wrong one, which aren't all drafted ones checked (see
 * {@link draftTokens}); what the target was offered is the honest denominator.
 */
class CountingDraftPredictor extends DraftSequenceTokenPredictor {
    offered = 0;
    /** The token offered last, until the target's own next token says whether it was right. */
    #awaitingVerdict: Token | undefined;
    /** Whether each of the latest offers was right, newest last. */
    readonly #verdicts: boolean[] = [];
    /** Target steps left without drafts, after the draft kept guessing wrong. */
    #pause = 0;
    /** Windows in a row the draft failed: each doubles its next pause. */
    #failedWindows = 0;

    override predictTokens(): Token[] | Promise<Token[]> {
        // A draft that is mostly wrong makes each step check two tokens for one: on a CPU that
        // doubles its cost. It rests, then gets another chance (the text may change).
        if (this.#pause > 0) {
            this.#pause--;
            return [];
        }
        const count = (tokens: Token[]) => {
            this.offered += tokens.length;
            this.#awaitingVerdict = tokens[0];
            return tokens;
        };
        const tokens = super.predictTokens();
        return tokens instanceof Promise ? tokens.then(count) : count(tokens);
    }

    override pushTokens(tokens: Token[]): void {
        if (this.#awaitingVerdict != null) {
            this.#verdicts.push(tokens[0] === this.#awaitingVerdict);
            this.#awaitingVerdict = undefined;
            if (this.#verdicts.length > verdictWindow)
                this.#verdicts.shift();
            const right = this.#verdicts.filter(Boolean).length;
            if (this.#verdicts.length === verdictWindow) {
                const failed = right / verdictWindow < minimumAcceptance;
                this.#failedWindows = failed ? this.#failedWindows + 1 : 0;
                if (failed) {
                    this.#pause = pauseSteps * 2 ** Math.min(this.#failedWindows - 1, 5);
                    this.#verdicts.length = 0;
                }
            }
        }
        super.pushTokens(tokens);
    }
}

/** Offers whose acceptance decides whether the draft is worth asking. */
const verdictWindow = 16;
/** Below this share of right guesses, a draft costs the target more than it saves. */
const minimumAcceptance = 0.3;
/** Target steps without drafts before the draft is asked again (doubling while it keeps failing, up to 32 times). */
const pauseSteps = 64;

/** The draft's acceptance so far on a target sequence: drafted tokens the target confirmed, and all it was offered to check. */
export function draftCounts(sequence: LlamaContextSequence): {accepted: number; drafted: number} {
    const offered = sequence.tokenPredictor instanceof CountingDraftPredictor ? sequence.tokenPredictor.offered : 0;
    return {accepted: sequence.tokenPredictions.validated, drafted: offered};
}

interface NativeContextHolder {
    _ctx: {ensureDraftContextIsCompatibleForSpeculative(draft: unknown): void};
}
