/** Checks at compile time that a name list holds every name of its union. */
export function everyName<T extends string>() {
    return <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : never)): L => list;
}
