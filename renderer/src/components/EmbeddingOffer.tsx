import {useEffect} from "react";
import {useTranslation} from "react-i18next";
import {formatBytes} from "../../../electron/contract/errors";
import {usePonder} from "../store/PonderStoreContext";
import {attachedTokens} from "../store/composerSelectors";
import {libraryHasEmbeddingModel} from "../store/modelFilesSelectors";
import {loadedContextSize} from "../store/runtimeSelectors";

/** Attachments taking more than this share of the context are searched (the core's `documentShare`). */
const searchedShare = 0.5;

/**
 * The first time the composer's documents are too long for the loaded model's context: retrieval
 * will need an embedding model, so the catalog's is offered for download, before the question is sent.
 */
export function EmbeddingOffer() {
    const {t, i18n} = useTranslation();
    const contextSize = usePonder(loadedContextSize);
    const tokens = usePonder(attachedTokens);
    const hasEmbeddingModel = usePonder(libraryHasEmbeddingModel);
    const catalog = usePonder((state) => state.catalog);
    const loadCatalog = usePonder((state) => state.loadCatalog);
    const downloading = usePonder((state) => state.downloads);
    const addDownload = usePonder((state) => state.addDownload);
    const needed = contextSize != null && tokens > contextSize * searchedShare && !hasEmbeddingModel;
    useEffect(() => {
        if (needed && catalog == null)
            void loadCatalog();
    }, [needed, catalog, loadCatalog]);
    const entry = catalog?.find((candidate) => candidate.kind === "embedding");
    if (!needed || entry == null || downloading.some((download) => download.address === entry.id && download.status !== "error"))
        return null;
    return (
        <div className="composer__hint" role="note">
            {t("sources.embeddingOffer", {name: entry.name})}{" "}
            <button type="button" className="button button--small button--primary" onClick={() => void addDownload(entry.id)}>
                {t("sources.downloadEmbedding", {name: entry.name, size: formatBytes(entry.approxSizeBytes, i18n.language)})}
            </button>
        </div>
    );
}
