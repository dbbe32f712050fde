import type {PonderState} from "./createPonderStore";

// Named selectors of the downloads slice. Each returns a value already in the state (an entry, an
// id), so a component re-renders only when that changes.

/** A catalog entry by its id (an entry's paired draft); undefined for none. */
export const catalogEntryById = (entryId: string | undefined) => (state: PonderState) =>
    entryId == null ? undefined : state.catalog?.find((entry) => entry.id === entryId);

/** Whether a download of this address is queued or running. */
export const isDownloading = (address: string | undefined) => (state: PonderState) =>
    address != null && state.downloads.some((download) => download.address === address && download.status !== "done" && download.status !== "error");

/** The catalog entry a library model was downloaded as: the finished download that made it. */
export const catalogEntryOfModel = (modelId: string) => (state: PonderState) => {
    const address = state.downloads.find((download) => download.status === "done" && download.modelId === modelId)?.address;
    return address == null ? undefined : state.catalog?.find((entry) => entry.id === address);
};

/** The catalog's draft model for a library model downloaded from the catalog, if it pairs one. */
export const catalogDraftOfModel = (modelId: string) => (state: PonderState) => {
    return catalogEntryById(catalogEntryOfModel(modelId)(state)?.draft)(state);
};

/** The library model a catalog entry was downloaded as, while it is listed. */
export const modelOfCatalogEntry = (entryId: string) => (state: PonderState) => {
    const modelId = state.downloads.find((download) => download.status === "done" && download.address === entryId)?.modelId;
    return modelId != null && state.modelFiles.some((file) => file.id === modelId) ? modelId : undefined;
};
