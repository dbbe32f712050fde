import type {PonderState} from "./createPonderStore";

// Named selectors of the downloads slice. Each returns a value already in the state (an entry, an
// id), so a component re-renders only when that changes.

/** The catalog entry a library model was downloaded as: the finished download that made it. */
export const catalogEntryOfModel = (modelId: string) => (state: PonderState) => {
    const address = state.downloads.find((download) => download.status === "done" && download.modelId === modelId)?.address;
    return address == null ? undefined : state.catalog?.find((entry) => entry.id === address);
};

/** The catalog's draft model for a library model downloaded from the catalog, if it pairs one. */
export const catalogDraftOfModel = (modelId: string) => (state: PonderState) => {
    const draftId = catalogEntryOfModel(modelId)(state)?.draft;
    return draftId == null ? undefined : state.catalog?.find((entry) => entry.id === draftId);
};

/** The library model a catalog entry was downloaded as, while it is listed. */
export const modelOfCatalogEntry = (entryId: string) => (state: PonderState) => {
    const modelId = state.downloads.find((download) => download.status === "done" && download.address === entryId)?.modelId;
    return modelId != null && state.modelFiles.some((file) => file.id === modelId) ? modelId : undefined;
};
