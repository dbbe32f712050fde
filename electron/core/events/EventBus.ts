import type {EventName, EventPayloads, Unsubscribe} from "../../contract.ts";

export type EventListener = <E extends EventName>(event: E, payload: EventPayloads[E]) => void;

/** The core's outgoing events; each connected transport peer listens and forwards them. */
export class EventBus {
    readonly #listeners = new Set<EventListener>();

    on(listener: EventListener): Unsubscribe {
        this.#listeners.add(listener);
        return () => this.#listeners.delete(listener);
    }

    emit<E extends EventName>(event: E, payload: EventPayloads[E]): void {
        for (const listener of this.#listeners)
            listener(event, payload);
    }
}
