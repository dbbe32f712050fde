import {createContext, useContext} from "react";
import type {ReactNode} from "react";
import {useStore} from "zustand";
import type {PonderState, PonderStore} from "./createPonderStore";

const PonderStoreContext = createContext<PonderStore | null>(null);

export function PonderStoreProvider({store, children}: {store: PonderStore; children: ReactNode}) {
    return <PonderStoreContext value={store}>{children}</PonderStoreContext>;
}

/** Selects one value from the store; the component re-renders only when that value changes. */
export function usePonder<T>(selector: (state: PonderState) => T): T {
    return useStore(usePonderStore(), selector);
}

/**
 * The store itself, for the one path that writes to the page without rendering: a streaming
 * reasoning's tail, 30 times a second. Everything else selects with {@link usePonder}.
 */
export function usePonderStore(): PonderStore {
    const store = useContext(PonderStoreContext);
    if (store == null)
        throw new Error("usePonder() needs a <PonderStoreProvider> above it");
    return store;
}
