/**
 * Applies OpenAI's `stop` sequences to streamed answer text: text that could be the start of a
 * stop sequence is held back until the next text decides it, and nothing from a stop sequence
 * on is ever released.
 */
export class StopSequenceFilter {
    readonly #stops: readonly string[];
    #held = "";
    #stopped = false;

    constructor(stops: readonly string[]) {
        this.#stops = stops.filter((stop) => stop !== "");
    }

    get stopped(): boolean {
        return this.#stopped;
    }

    /** Returns the text that is safe to release now. */
    push(text: string): string {
        if (this.#stopped)
            return "";
        const input = this.#held + text;
        const found = Math.min(...this.#stops.map((stop) => {
            const index = input.indexOf(stop);
            return index < 0 ? Infinity : index;
        }));
        if (found !== Infinity) {
            this.#stopped = true;
            this.#held = "";
            return input.slice(0, found);
        }
        const holdFrom = Math.min(input.length, ...this.#stops.map((stop) => partialStart(input, stop)));
        this.#held = input.slice(holdFrom);
        return input.slice(0, holdFrom);
    }

    /** The stream ended without a stop sequence: what was held back is text after all. */
    end(): string {
        const held = this.#stopped ? "" : this.#held;
        this.#held = "";
        return held;
    }
}

/** Where a suffix of `text` begins that is a proper prefix of `stop`, or text.length. */
function partialStart(text: string, stop: string): number {
    for (let length = Math.min(stop.length - 1, text.length); length > 0; length--) {
        if (text.endsWith(stop.slice(0, length)))
            return text.length - length;
    }
    return text.length;
}
