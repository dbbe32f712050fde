import {failureOf} from "../../contract/errors.ts";
import type {CatalogEntry, FitEstimate, ModelRecommendation} from "../../contract.ts";

/**
 * On the CPU alone a reasoning model must be small: it writes thousands of tokens per answer,
 * and past ~6 GB of weights (a 7B model in Q4_K_M) a CPU manages only a few tokens a second.
 */
export const cpuModelMaxBytes = 6e9;
/** Less context than this can't hold one long reasoning and its answer. */
export const minimumUsefulContext = 8192;

export interface RankedCandidate {
    entry: CatalogEntry;
    /** The estimate, or why it could not be made (the hub unreachable, the file missing). */
    fit: FitEstimate | Error;
}

/**
 * The first-run rule, over candidates in rank order: the first that runs fully on the GPU with a
 * useful context; else the first that runs partly on it; else the first small enough for the CPU.
 */
export function chooseRecommendation(candidates: readonly RankedCandidate[]): ModelRecommendation {
    const estimated = candidates.filter((candidate): candidate is {entry: CatalogEntry, fit: FitEstimate} => !(candidate.fit instanceof Error));
    if (estimated.length === 0) {
        const firstError = candidates.find((candidate) => candidate.fit instanceof Error)?.fit as Error | undefined;
        return {status: "unreachable", error: firstError == null ? {code: "models.noFirstRunCandidates", params: {}} : failureOf(firstError)};
    }
    const usable = estimated.filter(({fit}) => fit.verdict !== "tooLarge" && fit.contextSize >= Math.min(minimumUsefulContext, fit.trainContextSize));
    const pick = usable.find(({fit}) => fit.verdict === "gpu")
        ?? usable.find(({fit}) => fit.verdict === "partial")
        ?? usable.find(({entry, fit}) => fit.verdict === "cpu" && entry.approxSizeBytes <= cpuModelMaxBytes);
    if (pick == null)
        return {status: "nothingFits"};
    return {status: "recommended", entryId: pick.entry.id, fit: pick.fit};
}

/** Estimates the catalog's first-run candidates in rank order, stopping early once one fits on the GPU. */
export async function recommendModel(catalog: readonly CatalogEntry[], estimate: (entry: CatalogEntry) => Promise<FitEstimate>): Promise<ModelRecommendation> {
    const ranked = catalog.filter((entry) => entry.firstRunRank != null).sort((a, b) => a.firstRunRank! - b.firstRunRank!);
    const candidates: RankedCandidate[] = [];
    for (const entry of ranked) {
        const fit = await estimate(entry).catch((error: unknown) => error instanceof Error ? error : new Error(String(error)));
        candidates.push({entry, fit});
        if (!(fit instanceof Error) && fit.verdict === "gpu" && fit.contextSize >= Math.min(minimumUsefulContext, fit.trainContextSize))
            break;
    }
    return chooseRecommendation(candidates);
}
