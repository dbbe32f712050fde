import type {PonderState} from "./createPonderStore";

/** Whether the first-run recommendation was asked for (it may still be pending). */
export const askedForRecommendation = (state: PonderState) => state.recommendation != null;

/** Whether the catalog entry is the model recommended for this machine. */
export const isRecommended = (entryId: string) => (state: PonderState) =>
    typeof state.recommendation === "object" && state.recommendation?.status === "recommended" && state.recommendation.entryId === entryId;

/** The hub couldn't be reached when last asked (offline): downloads can't work. */
export const hubUnreachable = (state: PonderState) =>
    typeof state.recommendation === "object" && state.recommendation?.status === "unreachable";
