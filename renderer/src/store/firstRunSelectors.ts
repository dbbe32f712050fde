import type {PonderState} from "./createPonderStore";

/** Whether the first-run recommendation was asked for (it may still be pending). */
export const askedForRecommendation = (state: PonderState) => state.recommendation != null;

/** Whether the catalog entry is the model recommended for this machine. */
export const isRecommended = (entryId: string) => (state: PonderState) =>
    typeof state.recommendation === "object" && state.recommendation?.status === "recommended" && state.recommendation.entryId === entryId;

/** The hub couldn't be reached when last asked (offline): downloads can't work. */
export const hubUnreachable = (state: PonderState) =>
    typeof state.recommendation === "object" && state.recommendation?.status === "unreachable";

/** The download the welcome started, while it is listed. */
export const firstRunDownload = (state: PonderState) => state.downloads.find((download) => download.id === state.firstRunDownloadId);

/** The welcome stands in for an empty chat: no model is ready, and its download runs or the library has no model. */
export const showsWelcome = (state: PonderState) => state.runtime.status !== "ready" &&
    (state.firstRunDownloadId != null || (state.modelsListed && state.modelFiles.length === 0));
