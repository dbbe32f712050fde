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

/** One streamed reply: how long until its first token, and how fast the rest came. */
export interface RunTiming {
    timeToFirstTokenMs: number;
    tokensPerSecond: number;
}

/** From when a reply was asked for, its first and last token's arrival and its token count. */
export function streamTiming(startedAt: number, firstAt: number, lastAt: number, tokens: number): RunTiming {
    return {timeToFirstTokenMs: firstAt - startedAt, tokensPerSecond: (tokens - 1) / ((lastAt - firstAt) / 1000)};
}

export const round1 = (value: number) => Math.round(value * 10) / 10;
export const round2 = (value: number) => Math.round(value * 100) / 100;
export const round3 = (value: number) => Math.round(value * 1000) / 1000;

/**
 * Lets the threads of the peer that just ran fall asleep before the next is timed: llama.cpp's
 * threadpool at its default poll level (llama-server's `--poll 50`) keeps its workers spinning for
 * new work after a reply's last token, about 90 ms of one core here, and a peer timed meanwhile
 * shares the cores with them. Ponder's pools don't poll (scripts/nodeLlamaCppAddon).
 */
export function settle(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, 300));
}
