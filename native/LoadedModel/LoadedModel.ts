import type {Llama, LlamaContext, LlamaContextSequence, LlamaModel, Token} from "node-llama-cpp";
import {resolveChatFormat, type ChatFormat} from "../chatFormat/resolveChatFormat.ts";
import {fitPrompt, generateReply, stoppedBeforeStart, type FittedPrompt, type GenerateReplyOptions, type GenerateReplyResult} from "../generation/generateReply.ts";
import {ContextGate} from "../generation/ContextGate.ts";
import {offThreadCharacters, PromptTokenizer} from "../generation/PromptTokenizer.ts";
import {TokenizerThread, type TokenizerBuild} from "../generation/TokenizerThread.ts";
import {LeftWhileWaitingError, SequenceScheduler} from "../generation/SequenceScheduler.ts";
import {kvCacheContextOptions, type KvCacheType} from "../kvCache/kvCacheType.ts";
import {DraftModel, draftCounts} from "../draft/DraftModel.ts";
import {promptLookupPredictor} from "../draft/promptLookupPredictor.ts";
import type {SequenceStateStore} from "../stateCache/SequenceStateStore.ts";
import {stateIdentity} from "../stateCache/stateIdentity.ts";
import {loadModelFile} from "./loadModelFile.ts";

export interface LoadModelOptions {
    /** Tokens the context holds. Defaults to the largest that fits in memory, up to the model's training context. */
    contextSize?: number;
    /** CPU threads for evaluation. Defaults to the machine's math cores. */
    threads?: number;
    /** Layers offloaded to the GPU. Defaults to `"auto"`. */
    gpuLayers?: number | "auto";
    /** Tokens evaluated per batch while reading a prompt. Defaults to node-llama-cpp's choice (the context size, up to 512). */
    batchSize?: number;
    /**
     * Replies of API clients that run at once, batched together; each has its own context of
     * `contextSize` tokens. One more sequence is kept for desktop chats, so they never wait
     * behind API clients' replies. Defaults to {@link defaultParallelReplies}.
     */
    parallel?: number;
    /** How the KV cache stores keys and values. Defaults to f16. */
    kvCacheType?: KvCacheType;
    /**
     * Where conversations' evaluated states go when their sequence is needed by another one (and
     * at unload), and come back from when they return. Without it, a returning conversation is
     * evaluated again.
     */
    stateStore?: SequenceStateStore;
    /** A small model of the same vocabulary that drafts tokens for this one to check (speculative decoding). */
    draftModelPath?: string;
    /** Without a draft model: draft from the conversation itself (prompt lookup). */
    promptLookup?: boolean;
    signal?: AbortSignal;
}

/** Whose evaluation a sequence holds, and whether it is on disk already. */
interface SequenceHolder {
    conversation: string | undefined;
    saved: boolean;
}

/**
 * Flash attention where llama.cpp supports it, as llama-server does by default; node-llama-cpp
 * leaves it off, which made its decode loop slower than llama-server's on the same model.
 */
export const flashAttentionDefault = "auto";

/** Parallel replies when the user hasn't chosen: LM Studio's default too. */
export const defaultParallelReplies = 4;

/** The context sequences a model is loaded with: the parallel replies, and the one kept for desktop chats. */
export function sequencesFor(parallel = defaultParallelReplies): number {
    return parallel + 1;
}

/**
 * A model in memory with a context of several sequences, so several replies are generated at
 * once, evaluated together in one batch. Each sequence keeps the last conversation it
 * evaluated, and a reply goes to the free sequence that holds most of its prompt, so a
 * follow-up only evaluates what's new.
 */
export class LoadedModel {
    readonly filePath: string;
    readonly format: ChatFormat;
    /** Replies of API clients that may run at once (desktop chats have one more sequence). */
    readonly parallel: number;
    readonly #model: LlamaModel;
    readonly #context: LlamaContext;
    readonly #sequences: readonly LlamaContextSequence[];
    readonly #scheduler: SequenceScheduler<LlamaContextSequence, FittedPrompt>;
    /** Remembers the last prompt's tokens, as the sequences remember their evaluation. */
    readonly #prompts: PromptTokenizer;
    readonly #tokenizerThread: TokenizerThread;
    readonly #holders = new Map<LlamaContextSequence, SequenceHolder>();
    readonly #stateStore: SequenceStateStore | undefined;
    readonly #stateIdentity: string;
    readonly #gate = new ContextGate();

    readonly #draft: DraftModel | undefined;
    /** Whether replies are drafted (by a draft model or prompt lookup), so they carry acceptance counts. */
    readonly #drafts: boolean;

    private constructor(filePath: string, model: LlamaModel, context: LlamaContext, parallel: number, states: {store?: SequenceStateStore; identity: string}, tokenizerBuild: TokenizerBuild, draft: {model?: DraftModel; promptLookup?: boolean}) {
        this.filePath = filePath;
        this.parallel = parallel;
        this.#model = model;
        this.#context = context;
        this.#stateStore = states.store;
        this.#stateIdentity = states.identity;
        this.#draft = draft.model;
        this.#drafts = draft.model != null || draft.promptLookup === true;
        this.#sequences = Array.from({length: context.totalSequences}, () => context.getSequence({
            tokenPredictor: draft.model?.predictor() ?? (draft.promptLookup === true ? promptLookupPredictor() : undefined)
        }));
        this.#scheduler = new SequenceScheduler(this.#sequences, {
            backgroundLimit: parallel,
            reusablePrefix: (sequence, prompt) => this.#worthOf(sequence, prompt)
        });
        this.#tokenizerThread = new TokenizerThread(filePath, tokenizerBuild);
        this.#prompts = new PromptTokenizer(model.tokenizer, this.#tokenizerThread);
        // Resolved now, not on the first prompt: a wrong template shows at load, and the first reply isn't slowed.
        this.format = resolveChatFormat(model);
    }

    static async load(llama: Llama, filePath: string, options: LoadModelOptions): Promise<LoadedModel> {
        const model = await loadModelFile(llama, filePath, {gpuLayers: options.gpuLayers, signal: options.signal});
        const parallel = options.parallel ?? defaultParallelReplies;
        try {
            const context = await model.createContext({
                // llama.cpp's own default (node-llama-cpp's is off): on where the model and backend support it.
                flashAttention: flashAttentionDefault,
                ...kvCacheContextOptions(options.kvCacheType ?? "f16", model.fileInsights),
                sequences: sequencesFor(parallel),
                contextSize: options.contextSize ?? {max: model.trainContextSize ?? 8192},
                // node-llama-cpp's own default can exceed the cores (4 on a 2-core machine), and
                // oversubscribed threads spin against each other: generation became 90× slower here.
                threads: options.threads ?? llama.cpuMathCores,
                batchSize: options.batchSize,
                createSignal: options.signal
            });
            const identity = options.stateStore == null ? "" : await stateIdentity(filePath, {
                contextSize: context.contextSize,
                kvCacheType: `${context.kvCacheKeyType}/${context.kvCacheValueType}`,
                flashAttention: String(context.flashAttention),
                llamaCppRelease: llama.llamaCppRelease.release
            });
            let draft: DraftModel | undefined;
            try {
                draft = options.draftModelPath == null ? undefined
                    : await DraftModel.load(llama, options.draftModelPath, context, {threads: options.threads ?? llama.cpuMathCores, signal: options.signal});
            } catch (error) {
                await context.dispose();
                throw error;
            }
            const tokenizerBuild: TokenizerBuild = llama.buildType === "localBuild" && llama.gpu === false
                ? {cmakeOptions: {...llama.cmakeOptions}, usePrebuiltBinaries: false}
                : {};
            return new LoadedModel(filePath, model, context, parallel, {store: options.stateStore, identity}, tokenizerBuild, {model: draft, promptLookup: options.promptLookup});
        } catch (error) {
            await model.dispose();
            throw error;
        }
    }

    /** How many tokens this model reads the text as (plain text: special tokens are not parsed). */
    countTokens(text: string): number {
        return this.#model.tokenize(text).length;
    }

    get contextSize(): number {
        return this.#context.contextSize;
    }

    get thinks(): boolean {
        return this.format.reasoningOpenTag != null;
    }

    /** {@link countTokens} for text of any length (a whole document): long text is counted off the event loop. */
    async countLongTextTokens(text: string): Promise<number> {
        const tokens = text.length > offThreadCharacters ? await this.#tokenizerThread.tokenize(text, false) : this.#model.tokenize(text);
        return tokens.length;
    }

    /** Replies running now and waiting for a sequence, and the tokens llama.cpp has evaluated in all (prompts and replies). */
    get load(): {active: number; waiting: number; evaluatedTokens: number} {
        const evaluatedTokens = this.#sequences.reduce((sum, sequence) => sum + sequence.tokenMeter.usedInputTokens, 0);
        return {active: this.#scheduler.active, waiting: this.#scheduler.waiting, evaluatedTokens};
    }

    /**
     * Starts at once when a sequence is free to the reply's priority, else waits its turn (see
     * {@link SequenceScheduler}). A reply whose signal aborts while it waits ends as stopped
     * without evaluating anything.
     */
    async generate(options: GenerateReplyOptions): Promise<GenerateReplyResult> {
        // Fitted before waiting, so a conversation too long for the context fails at once.
        const prompt = await fitPrompt(this.#model, this.contextSize, this.format, options, this.#prompts);
        let lease;
        try {
            lease = await this.#scheduler.acquire({
                prompt,
                priority: options.priority ?? "interactive",
                signal: options.signal,
                onQueuePosition: options.onQueuePosition
            });
        } catch (error) {
            if (error instanceof LeftWhileWaitingError)
                return stoppedBeforeStart(prompt);
            throw error;
        }
        const {sequence} = lease;
        // The person at the keyboard comes first: from taking its sequence over to its first
        // token, an interactive reply holds the gate, so the replies streaming on the context
        // hold their next token (see ContextGate) and its saving, loading, erasing and
        // prompt run alone, not each behind a batch of theirs (a prompt batched beside their tokens
        // is also split by llama.cpp into two passes). generateReply releases it at the first
        // token; a stop releases it at once, whatever the reply is waiting for.
        const releaseGate = (options.priority ?? "interactive") === "interactive" ? this.#gate.acquire() : undefined;
        if (releaseGate != null)
            options.signal?.addEventListener("abort", releaseGate, {once: true});
        try {
            await this.#takeOver(sequence, options.conversation, prompt.tokens);
            const before = draftCounts(sequence);
            const result = await generateReply(sequence, this.format, prompt, options, this.#gate, releaseGate);
            if (!this.#drafts)
                return result;
            const after = draftCounts(sequence);
            return {...result, draft: {accepted: after.accepted - before.accepted, drafted: after.drafted - before.drafted}};
        } finally {
            if (releaseGate != null) {
                options.signal?.removeEventListener("abort", releaseGate);
                releaseGate();
            }
            this.#holders.set(sequence, {conversation: options.conversation, saved: false});
            lease.release();
        }
    }

    /** A deleted chat: what a sequence holds of it is no longer worth saving. */
    forgetConversation(conversation: string): void {
        for (const holder of this.#holders.values())
            if (holder.conversation === conversation)
                holder.conversation = undefined;
    }

    /** Refuses replies still waiting, lets running ones end, saves the conversations the sequences hold, then frees the model. */
    async dispose(): Promise<void> {
        await this.#scheduler.close();
        await this.#tokenizerThread.dispose();
        for (const sequence of this.#sequences)
            await this.#saveHolder(sequence);
        await this.#context.dispose();
        await this.#draft?.dispose();
        await this.#model.dispose();
    }

    /**
     * How much a sequence is worth to a prompt: the tokens of it the sequence holds already, less
     * those of another conversation that only it holds (taking it means saving them, and
     * evaluating or reading them again when that conversation returns).
     */
    #worthOf(sequence: LlamaContextSequence, prompt: FittedPrompt): number {
        const prefix = sequence.compareContextTokens(prompt.tokens).firstDifferentIndex;
        const holder = this.#holders.get(sequence);
        const lost = holder?.conversation != null && !holder.saved ? sequence.nextTokenIndex - prefix : 0;
        return prefix - lost;
    }

    /**
     * Prepares a sequence for a conversation: the conversation it held before is saved, and when
     * the store holds more of this conversation's prompt than the sequence does, that is loaded.
     */
    async #takeOver(sequence: LlamaContextSequence, conversation: string | undefined, promptTokens: Token[]) {
        const holder = this.#holders.get(sequence);
        if (holder?.conversation === conversation)
            return;
        // Saving and loading a sequence's state take the whole context: see ContextGate.
        await this.#gate.hold(() => this.#saveHolder(sequence));
        this.#holders.set(sequence, {conversation, saved: false});
        const store = this.#stateStore;
        if (conversation == null || store == null)
            return;
        const held = sequence.compareContextTokens(promptTokens).firstDifferentIndex;
        const candidate = await store.candidate(conversation, this.#stateIdentity, promptTokens, held);
        if (candidate == null)
            return;
        const restored = await this.#gate.hold(() => store.restore(candidate, sequence));
        this.#holders.set(sequence, {conversation, saved: restored > 0});
    }

    async #saveHolder(sequence: LlamaContextSequence) {
        const holder = this.#holders.get(sequence);
        if (holder?.conversation == null || holder.saved || this.#stateStore == null)
            return;
        holder.saved = await this.#stateStore.save(holder.conversation, this.#stateIdentity, sequence);
    }
}
