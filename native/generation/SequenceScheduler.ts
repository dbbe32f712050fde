import {PonderError} from "../../electron/contract/errors.ts";
/**
 * Whose reply it is: the person at the keyboard (a desktop chat) or a program (an API client).
 * Interactive replies are served first, and one sequence is kept for them alone.
 */
export type ReplyPriority = "interactive" | "background";

export interface SequenceRequest<Prompt> {
    prompt: Prompt;
    priority: ReplyPriority;
    signal?: AbortSignal;
    /** While the request waits: how many requests will be served before it. Called again when that changes. */
    onQueuePosition?: (ahead: number) => void;
}

/** A sequence lent to one reply; give it back with {@link release} once the reply is done. */
export interface SequenceLease<Sequence> {
    readonly sequence: Sequence;
    release(): void;
}

/** The request waited for a sequence and its caller left (or stopped it) before one was free: nothing was evaluated. */
export class LeftWhileWaitingError extends PonderError<"reply.withdrawnWhileWaiting"> {
    override readonly name = "LeftWhileWaitingError";

    constructor() {
        super("reply.withdrawnWhileWaiting");
    }
}

/** The model was unloaded while the request waited. */
export class SchedulerClosedError extends PonderError<"reply.unloadedBeforeStart"> {
    override readonly name = "SchedulerClosedError";

    constructor() {
        super("reply.unloadedBeforeStart");
    }
}

interface Waiter<Sequence, Prompt> {
    request: SequenceRequest<Prompt>;
    grant: (lease: SequenceLease<Sequence>) => void;
    refuse: (error: Error) => void;
    lastReportedAhead?: number;
}

export interface SequenceSchedulerOptions<Sequence, Prompt> {
    /**
     * Background replies use at most this many sequences at once; the others are kept for
     * interactive ones. Defaults to all but one (all, with a single sequence).
     */
    backgroundLimit?: number;
    /** How much of the prompt a sequence has evaluated already; a reply goes to the free sequence that holds the most of it. */
    reusablePrefix: (sequence: Sequence, prompt: Prompt) => number;
}

/**
 * Lends a context's sequences to replies: a reply runs as soon as a sequence is free, and
 * waits in line otherwise. The policy: interactive requests go ahead of background ones, first
 * come first served within each; background requests never take the sequences kept for
 * interactive ones, so a desktop chat's first token never waits behind a burst of API
 * generations. A waiting request whose signal aborts leaves the line without evaluating anything.
 */
export class SequenceScheduler<Sequence, Prompt> {
    readonly #free: Sequence[];
    readonly #size: number;
    readonly #backgroundLimit: number;
    readonly #reusablePrefix: (sequence: Sequence, prompt: Prompt) => number;
    readonly #waiting: Array<Waiter<Sequence, Prompt>> = [];
    #backgroundActive = 0;
    #closed = false;
    #idle: (() => void) | undefined;

    constructor(sequences: readonly Sequence[], options: SequenceSchedulerOptions<Sequence, Prompt>) {
        this.#free = [...sequences];
        this.#size = sequences.length;
        this.#backgroundLimit = Math.max(1, Math.min(options.backgroundLimit ?? sequences.length - 1, sequences.length));
        this.#reusablePrefix = options.reusablePrefix;
    }

    /** Replies running now. */
    get active(): number {
        return this.#size - this.#free.length;
    }

    /** Requests waiting for a sequence. */
    get waiting(): number {
        return this.#waiting.length;
    }

    /** A sequence for this request, at once when one is free to it, else when its turn comes. */
    acquire(request: SequenceRequest<Prompt>): Promise<SequenceLease<Sequence>> {
        if (this.#closed)
            return Promise.reject(new SchedulerClosedError());
        if (request.signal?.aborted)
            return Promise.reject(new LeftWhileWaitingError());
        return new Promise((resolve, reject) => {
            const waiter: Waiter<Sequence, Prompt> = {request, grant: resolve, refuse: reject};
            const leave = () => {
                const index = this.#waiting.indexOf(waiter);
                if (index < 0)
                    return;
                this.#waiting.splice(index, 1);
                reject(new LeftWhileWaitingError());
                this.#dispatch();
            };
            waiter.grant = (lease) => {
                request.signal?.removeEventListener("abort", leave);
                resolve(lease);
            };
            request.signal?.addEventListener("abort", leave, {once: true});
            // Interactive requests line up behind the interactive ones already waiting, ahead of every background one.
            const firstBackground = this.#waiting.findIndex((other) => other.request.priority === "background");
            if (request.priority === "interactive" && firstBackground >= 0)
                this.#waiting.splice(firstBackground, 0, waiter);
            else
                this.#waiting.push(waiter);
            this.#dispatch();
        });
    }

    /** Refuses the requests still waiting and resolves once every lent sequence is back. */
    async close(): Promise<void> {
        this.#closed = true;
        for (const waiter of this.#waiting.splice(0))
            waiter.refuse(new SchedulerClosedError());
        if (this.active > 0)
            await new Promise<void>((resolve) => this.#idle = resolve);
    }

    /** Hands free sequences to the first waiters that may have them, then tells the rest where they stand. */
    #dispatch() {
        for (let index = 0; index < this.#waiting.length && this.#free.length > 0;) {
            const waiter = this.#waiting[index]!;
            const background = waiter.request.priority === "background";
            if (background && this.#backgroundActive >= this.#backgroundLimit) {
                index++;
                continue;
            }
            this.#waiting.splice(index, 1);
            waiter.grant(this.#lend(waiter.request, background));
        }
        this.#waiting.forEach((waiter, ahead) => {
            if (waiter.lastReportedAhead === ahead)
                return;
            waiter.lastReportedAhead = ahead;
            waiter.request.onQueuePosition?.(ahead);
        });
    }

    #lend(request: SequenceRequest<Prompt>, background: boolean): SequenceLease<Sequence> {
        // The free sequence that already holds most of the prompt; ties go to the one free longest,
        // so a conversation's evaluated state stays around for its follow-up as long as possible.
        let best = 0;
        let bestPrefix = -1;
        this.#free.forEach((sequence, index) => {
            const prefix = this.#reusablePrefix(sequence, request.prompt);
            if (prefix > bestPrefix) {
                best = index;
                bestPrefix = prefix;
            }
        });
        const [sequence] = this.#free.splice(best, 1) as [Sequence];
        if (background)
            this.#backgroundActive++;
        let released = false;
        return {
            sequence,
            release: () => {
                if (released)
                    return;
                released = true;
                if (background)
                    this.#backgroundActive--;
                this.#free.push(sequence);
                if (this.#closed) {
                    if (this.active === 0)
                        this.#idle?.();
                    return;
                }
                this.#dispatch();
            }
        };
    }
}
