/**
 * Lets work that needs the whole context (erasing a sequence's tokens) in between the tokens of
 * the replies streaming on it. node-llama-cpp's batch loop keeps the context's lock for as long
 * as any sequence has a decode queued when a batch ends, and streaming replies queue their next
 * token as soon as they get one: a reply that had to erase its sequence before starting waited
 * for every streaming reply to end (a desktop chat behind four API streams: over a minute). While
 * such work waits, the replies pause before their next token, the loop drains and lets it in.
 * An interactive reply also holds it from taking its sequence over to its first token (see
 * LoadedModel.generate): every other streaming reply, another chat's too, waits that long.
 */
export class ContextGate {
    #holds = 0;
    #paused: Array<() => void> = [];

    /** Runs `work` with the streaming replies paused before their next token. */
    async hold<T>(work: () => Promise<T>): Promise<T> {
        const release = this.acquire();
        try {
            return await work();
        } finally {
            release();
        }
    }

    /** Pauses the streaming replies before their next token until the returned function is called (once). */
    acquire(): () => void {
        this.#holds++;
        let held = true;
        return () => {
            if (!held)
                return;
            held = false;
            this.#holds--;
            if (this.#holds === 0)
                for (const resume of this.#paused.splice(0))
                    resume();
        };
    }

    /** Undefined (go on at once) unless work holds the gate; then resolves when it is done. */
    pause(): Promise<void> | undefined {
        if (this.#holds === 0)
            return undefined;
        return new Promise((resolve) => this.#paused.push(resolve));
    }
}
