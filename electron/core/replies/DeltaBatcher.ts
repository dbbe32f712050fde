export interface PendingDelta {
    reasoning: string;
    text: string;
}

/**
 * Collects a stream's text and hands it on at most once per interval: a model writes up to
 * hundreds of tokens a second, and one event per token would flood the transport and make the
 * renderer lay out text that often. The first text of a quiet stream goes out at once.
 */
export class DeltaBatcher {
    readonly #intervalMs: number;
    readonly #deliver: (delta: PendingDelta) => void;
    #pending: PendingDelta = {reasoning: "", text: ""};
    #lastDeliveredAt = -Infinity;
    #timer: ReturnType<typeof setTimeout> | undefined;

    constructor(intervalMs: number, deliver: (delta: PendingDelta) => void) {
        this.#intervalMs = intervalMs;
        this.#deliver = deliver;
    }

    add(segment: "reasoning" | "answer", text: string): void {
        if (segment === "reasoning")
            this.#pending.reasoning += text;
        else
            this.#pending.text += text;
        if (this.#timer != null)
            return;
        const wait = this.#lastDeliveredAt + this.#intervalMs - performance.now();
        if (wait <= 0)
            this.flush();
        else
            this.#timer = setTimeout(() => this.flush(), wait);
    }

    /** Delivers whatever is pending now (the end of a stream, or a status change that must follow the text). */
    flush(): void {
        clearTimeout(this.#timer);
        this.#timer = undefined;
        if (this.#pending.reasoning === "" && this.#pending.text === "")
            return;
        const delta = this.#pending;
        this.#pending = {reasoning: "", text: ""};
        this.#lastDeliveredAt = performance.now();
        this.#deliver(delta);
    }
}
