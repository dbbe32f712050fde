import path from "node:path";
import {DraftSequenceTokenPredictor, type Llama, type LlamaContext, type LlamaContextSequence, type LlamaModel, type Token} from "node-llama-cpp";
import {PonderError} from "../../electron/contract/errors.ts";
import {loadModelFile} from "../LoadedModel/loadModelFile.ts";

/**
 * A small model that drafts tokens for the loaded one to check in a single batch (speculative
 * decoding): greedy output is the target's own, only faster where the draft guesses right.
 *
 * node-llama-cpp's predictor hands the target whatever the draft has written when the target
 * asks (`minTokens` 0 by default). The draft runs on the same CPU threads, concurrently, so a
 * decode loop that asks again at once almost never finds a drafted token: it made no
 * predictions at all here. The target therefore waits for the draft's tokens (as many as the
 * predictor drafts a batch), which the draft cuts short itself when it isn't confident (the
 * predictor's `minConfidence`). Whole drafts are accepted, and the draft's sequence holds the
 * reply's tokens, only with node-llama-cpp fixed by scripts/patchNodeLlamaCpp.mjs (run on install).
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
        // The draft offers its likeliest tokens, also when the reply samples: the target keeps a
        // drafted token only where its own sample is that token, which is likelier for the
        // draft's top token than for a sampled one (and the draft's confidence is that token's).
        return new CountingDraftPredictor(this.#context.getSequence(), {minTokens: initialDraftLength, maxTokens: initialDraftLength, evaluateOptions: {temperature: 0}});
    }

    async dispose(): Promise<void> {
        await this.#context.dispose();
        await this.#model.dispose();
    }
}

/**
 * Drafts as many tokens a batch as the draft has lately got right, rests a draft that keeps
 * guessing wrong, and counts the drafted tokens it hands the target to check. node-llama-cpp's
 * `refuted` counts the tokens it erases after a wrong one, not the drafted ones checked; what the
 * target was offered is the honest denominator.
 */
class CountingDraftPredictor extends DraftSequenceTokenPredictor {
    offered = 0;
    /** Tokens to draft for the next batch. */
    #length = initialDraftLength;
    /** The latest offer, until the target's own tokens say how much of it was right. */
    #offer: Token[] = [];
    /** Tokens of {@link #offer} the target has confirmed so far. */
    #confirmed = 0;
    /** Whether each of the latest offered tokens was right, newest last. */
    readonly #verdicts: boolean[] = [];
    /** Target steps left without drafts, after the draft kept guessing wrong. */
    #pause = 0;
    /** Offers in a row of which the target accepted nothing. */
    #fruitlessOffers = 0;
    /** Windows in a row the draft failed: each doubles its next pause. */
    #failedWindows = 0;

    override predictTokens(): Token[] | Promise<Token[]> {
        // A draft that is mostly wrong makes each step check more tokens for one, and the target
        // waits for the draft's tokens. It rests, then gets another chance (the text may change).
        if (this.#pause > 0) {
            this.#pause--;
            return [];
        }
        // node-llama-cpp reads these on each use; they aren't public (the constructor sets them once).
        const lengths = this as unknown as {_minTokens: number; _maxTokens: number};
        lengths._minTokens = lengths._maxTokens = this.#length;
        const offer = (tokens: Token[]) => {
            this.#offer = tokens.slice(0, this.#length);
            this.#confirmed = 0;
            this.offered += this.#offer.length;
            return this.#offer;
        };
        const tokens = super.predictTokens();
        return tokens instanceof Promise ? tokens.then(offer) : offer(tokens);
    }

    override async reset(options: Parameters<DraftSequenceTokenPredictor["reset"]>[0]): Promise<void> {
        // A reply starts afresh: the previous reply's text says little about this one's. A rest
        // goes on, though: a draft that kept failing is likely to fail in the next reply too.
        this.#length = initialDraftLength;
        this.#offer = [];
        this.#confirmed = 0;
        this.#verdicts.length = 0;
        this.#fruitlessOffers = 0;
        await super.reset(options);
    }

    override pushTokens(tokens: Token[]): void {
        for (const token of tokens) {
            if (this.#confirmed >= this.#offer.length)
                break;
            if (token === this.#offer[this.#confirmed])
                this.#confirmed++;
            else {
                this.#judge(this.#confirmed, this.#offer.length);
                // Shorter after a miss, by one: a draft that agrees often still misses now and then.
                this.#length = Math.max(1, this.#length - 1);
                this.#offer = [];
            }
            if (this.#offer.length > 0 && this.#confirmed === this.#offer.length) {
                this.#judge(this.#confirmed, this.#offer.length);
                // Longer after a whole draft was right, by one: a long agreeing run is likely to go
                // on. By two (Hugging Face's rule), a draft whose runs are 2–3 tokens grew to 8 at
                // the start of a reply, threw most of two drafts away and rested for 64 tokens.
                this.#length = Math.min(maxDraftLength, this.#length + 1);
                this.#offer = [];
            }
        }
        super.pushTokens(tokens);
    }

    #judge(accepted: number, offered: number) {
        for (let index = 0; index < offered; index++)
            this.#verdicts.push(index < accepted);
        this.#verdicts.splice(0, this.#verdicts.length - verdictWindow);
        this.#fruitlessOffers = accepted === 0 ? this.#fruitlessOffers + 1 : 0;
        const windowFull = this.#verdicts.length === verdictWindow;
        // A draft that is always wrong is found out after a few offers, not a whole window: each
        // one costs the target a larger batch and a wait for the draft.
        const failed = this.#fruitlessOffers >= maxFruitlessOffers
            || (windowFull && this.#verdicts.filter(Boolean).length / verdictWindow < minimumAcceptance);
        if (!failed) {
            if (windowFull)
                this.#failedWindows = 0;
            return;
        }
        this.#failedWindows++;
        this.#pause = pauseSteps * 2 ** Math.min(this.#failedWindows - 1, 5);
        // Resting, the draft neither drafts ahead nor follows the target token by token: the
        // target's tokens wait in the predictor and are evaluated in one batch when it is asked again.
        this.stop();
        this.#verdicts.length = 0;
        this.#fruitlessOffers = 0;
    }
}

/** Tokens drafted for a reply's first batch. */
const initialDraftLength = 4;
/** At most this many drafted tokens a batch: beyond it, a batch costs the target more than a long right run saves. */
const maxDraftLength = 16;
/** Offered tokens whose acceptance decides whether the draft is worth asking. */
const verdictWindow = 16;
/** Offers in a row with nothing accepted after which the draft rests. */
const maxFruitlessOffers = 3;
/** Below this share of right guesses, a draft costs the target more than it saves. */
const minimumAcceptance = 0.3;
/** Target steps without drafts before the draft is asked again (doubling while it keeps failing, up to 32 times). */
const pauseSteps = 64;

/** A predictor's acceptance so far on a target sequence: drafted tokens the target confirmed, and all it was offered to check. */
export function draftCounts(sequence: LlamaContextSequence): {accepted: number; drafted: number} {
    const predictor = sequence.tokenPredictor as {offered?: number} | undefined;
    return {accepted: sequence.tokenPredictions.validated, drafted: predictor?.offered ?? 0};
}

interface NativeContextHolder {
    _ctx: {ensureDraftContextIsCompatibleForSpeculative(draft: unknown): void};
}
