import {createHash} from "node:crypto";
import {createReadStream} from "node:fs";
import {mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile} from "node:fs/promises";
import path from "node:path";
import type {LlamaContextSequence, Token} from "node-llama-cpp";

/** What a state file holds, kept beside it in `<name>.json`; checked in full before llama.cpp reads the file. */
interface StateRecord {
    format: typeof recordFormat;
    /** The chat whose tokens these are. */
    conversation: string;
    /** The model file and context settings the state was made with ({@link LoadedModel}'s state identity). */
    identity: string;
    tokens: Token[];
    bytes: number;
    sha256: string;
}

interface StoredState extends StateRecord {
    name: string;
    lastUsed: number;
}

/** A restorable state: how many of the prompt's tokens it holds. */
export interface StateCandidate {
    readonly name: string;
    readonly prefix: number;
}

export interface SequenceStateUsage {
    usedBytes: number;
    budgetBytes: number;
    conversations: number;
}

export interface SequenceStateStoreOptions {
    /** Bytes the state files may take together; 0 keeps none. */
    budgetBytes: number;
    /** A file refused, a save that failed: what happened, for the log. Nothing is thrown for these. */
    onProblem?: (message: string, details: Record<string, unknown>) => void;
}

const recordFormat = 1;
const stateExtension = ".state";
const recordExtension = ".json";
const partialExtension = ".partial";

/**
 * Conversations' evaluated states on disk, so a chat that lost its context sequence (to other
 * chats, to a restart) reads back its KV cache instead of evaluating its whole history again.
 *
 * One state per conversation and model identity, least recently used evicted beyond the budget.
 * Loading a file llama.cpp didn't write for this model and these settings can crash the
 * process, so each file is loaded only when its record matches the identity, its size and its
 * sha256, and the tokens llama.cpp reads back are the recorded ones. Anything that fails these
 * checks is deleted, and the conversation is simply evaluated again; so is a save that fails
 * (a full disk): nothing of the chat itself is ever lost.
 */
export class SequenceStateStore {
    readonly #directory: string;
    readonly #onProblem: NonNullable<SequenceStateStoreOptions["onProblem"]>;
    readonly #states = new Map<string, StoredState>();
    readonly #opened: Promise<void>;
    #budgetBytes: number;
    /** Saves, restores and deletions run one at a time, so a file is never read while it is replaced. */
    #queue: Promise<unknown> = Promise.resolve();

    constructor(directory: string, options: SequenceStateStoreOptions) {
        this.#directory = directory;
        this.#budgetBytes = options.budgetBytes;
        this.#onProblem = options.onProblem ?? (() => undefined);
        this.#opened = this.#scan();
        this.#queue = this.#opened.catch(() => undefined);
    }

    async usage(): Promise<SequenceStateUsage> {
        await this.#opened;
        const conversations = new Set([...this.#states.values()].map((state) => state.conversation));
        return {usedBytes: this.#usedBytes(), budgetBytes: this.#budgetBytes, conversations: conversations.size};
    }

    /** Sets the budget, evicting the least recently used states beyond it. */
    setBudget(budgetBytes: number): Promise<void> {
        return this.#enqueue(async () => {
            this.#budgetBytes = budgetBytes;
            await this.#evictBeyond(budgetBytes);
        });
    }

    /** The stored state of this conversation under this identity, if it holds more than `better` of the prompt's tokens. */
    async candidate(conversation: string, identity: string, promptTokens: readonly Token[], better: number): Promise<StateCandidate | undefined> {
        await this.#opened;
        const state = this.#states.get(stateName(conversation, identity));
        if (state == null || state.identity !== identity || state.conversation !== conversation)
            return undefined;
        const prefix = commonPrefix(state.tokens, promptTokens);
        return prefix > better ? {name: state.name, prefix} : undefined;
    }

    /**
     * Saves what the sequence holds as this conversation's state, replacing its older one. Returns
     * false when nothing was saved: no room in the budget, or the save failed (disk full).
     */
    save(conversation: string, identity: string, sequence: LlamaContextSequence): Promise<boolean> {
        return this.#enqueue(async () => {
            const name = stateName(conversation, identity);
            const tokens = sequence.contextTokens.slice();
            if (tokens.length === 0 || this.#budgetBytes === 0)
                return false;
            const partial = this.#file(name, stateExtension + partialExtension);
            try {
                await mkdir(this.#directory, {recursive: true});
                // A drafting sequence (draft model, prompt lookup) ends a reply holding drafted
                // tokens not yet checked, which saveStateToFile saves with the KV cache though not
                // in its token list: restored, they sat past the chat's tokens and the next decode
                // failed (inconsistent positions). node-llama-cpp 3.21.1 drops them when a range
                // erased reaches into them, so this one, which holds nothing else, removes them.
                await sequence.eraseContextTokenRanges([{start: tokens.length, end: tokens.length + 1}]);
                const {fileSize} = await sequence.saveStateToFile(partial);
                if (fileSize > this.#budgetBytes) {
                    await rm(partial, {force: true});
                    return false;
                }
                const record: StateRecord = {format: recordFormat, conversation, identity, tokens, bytes: fileSize, sha256: await sha256Of(partial)};
                await this.#delete(name);
                await this.#evictBeyond(this.#budgetBytes - fileSize);
                await writeFile(this.#file(name, recordExtension + partialExtension), JSON.stringify(record));
                await rename(partial, this.#file(name, stateExtension));
                await rename(this.#file(name, recordExtension + partialExtension), this.#file(name, recordExtension));
                this.#states.set(name, {...record, name, lastUsed: Date.now()});
                return true;
            } catch (error) {
                this.#onProblem("A conversation's state could not be saved; it will be evaluated again", {conversation, cause: error});
                await rm(partial, {force: true});
                await rm(this.#file(name, recordExtension + partialExtension), {force: true});
                return false;
            }
        });
    }

    /**
     * Loads a {@link candidate} into the sequence after checking the file is exactly the one
     * recorded. Returns the tokens the sequence now holds, or 0 when the file was refused (it is
     * deleted) and the sequence is left empty.
     */
    restore(candidate: StateCandidate, sequence: LlamaContextSequence): Promise<number> {
        return this.#enqueue(async () => {
            const state = this.#states.get(candidate.name);
            if (state == null)
                return 0;
            const file = this.#file(state.name, stateExtension);
            // A refusal is logged, never shown: the chat is simply evaluated again.
            let refusal: unknown;
            try {
                const {size} = await stat(file);
                if (size !== state.bytes)
                    refusal = `the file has ${size} bytes where ${state.bytes} were saved`;
                else if (await sha256Of(file) !== state.sha256)
                    refusal = "the file's sha256 differs from the saved one";
                else {
                    await sequence.loadStateFromFile(file, {acceptRisk: true});
                    if (!sameTokens(sequence.contextTokens, state.tokens))
                        refusal = "the file holds other tokens than were saved";
                }
            } catch (error) {
                refusal = error;
            }
            if (refusal == null) {
                state.lastUsed = Date.now();
                await utimes(file, new Date(), new Date(state.lastUsed)).catch(() => undefined);
                return sequence.nextTokenIndex;
            }
            this.#onProblem("A conversation's state file was refused and deleted; it will be evaluated again", {conversation: state.conversation, cause: refusal});
            if (sequence.nextTokenIndex > 0)
                await sequence.eraseContextTokenRanges([{start: 0, end: sequence.nextTokenIndex}]);
            await this.#delete(state.name);
            return 0;
        });
    }

    /** Deletes a conversation's states (the chat was deleted). */
    forget(conversation: string): Promise<void> {
        return this.#enqueue(async () => {
            for (const state of [...this.#states.values()])
                if (state.conversation === conversation)
                    await this.#delete(state.name);
        });
    }

    /** Deletes the states of conversations that no longer exist. */
    keepOnly(exists: (conversation: string) => boolean): Promise<void> {
        return this.#enqueue(async () => {
            for (const state of [...this.#states.values()])
                if (!exists(state.conversation))
                    await this.#delete(state.name);
        });
    }

    clear(): Promise<void> {
        return this.#enqueue(async () => {
            for (const name of [...this.#states.keys()])
                await this.#delete(name);
        });
    }

    /** Waits for the saves and deletions under way. */
    async settled(): Promise<void> {
        await this.#enqueue(async () => undefined);
    }

    /** Reads the records of the files a previous run left, deleting what isn't a complete, well-formed pair. */
    async #scan() {
        await mkdir(this.#directory, {recursive: true});
        const names = await readdir(this.#directory);
        const kept = new Set<string>();
        for (const entry of names) {
            if (!entry.endsWith(recordExtension))
                continue;
            const name = entry.slice(0, -recordExtension.length);
            const record = parseRecord(await readFile(this.#file(name, recordExtension), "utf8").catch(() => ""));
            const size = await stat(this.#file(name, stateExtension)).then((stats) => stats, () => undefined);
            if (record == null || size == null || size.size !== record.bytes || stateName(record.conversation, record.identity) !== name) {
                this.#onProblem("A malformed conversation state was deleted", {name});
                continue;
            }
            this.#states.set(name, {...record, name, lastUsed: size.mtimeMs});
            kept.add(entry).add(name + stateExtension);
        }
        for (const entry of names)
            if (!kept.has(entry))
                await rm(path.join(this.#directory, entry), {force: true, recursive: true});
        await this.#evictBeyond(this.#budgetBytes);
    }

    async #evictBeyond(budgetBytes: number) {
        const oldestFirst = [...this.#states.values()].sort((a, b) => a.lastUsed - b.lastUsed);
        for (const state of oldestFirst) {
            if (this.#usedBytes() <= budgetBytes)
                break;
            await this.#delete(state.name);
        }
    }

    async #delete(name: string) {
        this.#states.delete(name);
        await rm(this.#file(name, recordExtension), {force: true});
        await rm(this.#file(name, stateExtension), {force: true});
    }

    #usedBytes() {
        let total = 0;
        for (const state of this.#states.values())
            total += state.bytes;
        return total;
    }

    #file(name: string, extension: string) {
        return path.join(this.#directory, name + extension);
    }

    #enqueue<T>(work: () => Promise<T>): Promise<T> {
        const result = this.#queue.then(work);
        this.#queue = result.catch(() => undefined);
        return result;
    }
}

/** One file name per conversation and identity, from neither's text (ids could hold any character). */
function stateName(conversation: string, identity: string): string {
    return createHash("sha256").update(JSON.stringify([conversation, identity])).digest("hex").slice(0, 40);
}

function parseRecord(json: string): StateRecord | undefined {
    try {
        const value = JSON.parse(json) as Partial<StateRecord>;
        const valid = value.format === recordFormat && typeof value.conversation === "string" && typeof value.identity === "string"
            && Array.isArray(value.tokens) && value.tokens.every((token) => Number.isInteger(token) && token >= 0)
            && Number.isSafeInteger(value.bytes) && typeof value.sha256 === "string" && /^[0-9a-f]{64}$/.test(value.sha256);
        return valid ? value as StateRecord : undefined;
    } catch {
        return undefined;
    }
}

async function sha256Of(file: string): Promise<string> {
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(file, {highWaterMark: 1 << 20}))
        hash.update(chunk as Buffer);
    return hash.digest("hex");
}

function commonPrefix(a: readonly Token[], b: readonly Token[]): number {
    const length = Math.min(a.length, b.length);
    let index = 0;
    while (index < length && a[index] === b[index])
        index++;
    return index;
}

function sameTokens(a: readonly Token[], b: readonly Token[]): boolean {
    return a.length === b.length && commonPrefix(a, b) === a.length;
}
