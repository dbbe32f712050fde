/** One benchmark result line: the JSON form lets runs be compared across commits. */
export interface Measure {
    measure: string;
    value: number;
    unit: string;
    /** e.g. ">= 0.97"; null for figures reported for context only. */
    target: string | null;
}

export function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function meetsTarget({value, target}: Measure): boolean | null {
    const match = target == null ? null : /^(>=|<=)\s*(-?[\d.]+)$/.exec(target);
    if (match == null)
        return null;
    return match[1] === ">=" ? value >= Number(match[2]) : value <= Number(match[2]);
}
