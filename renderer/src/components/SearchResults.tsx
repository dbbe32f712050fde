import {useTranslation} from "react-i18next";
import {usePonder} from "../store/PonderStoreContext";

/** Hits of the conversation search; a click opens the chat at the message. */
export function SearchResults() {
    const {t} = useTranslation();
    const allHits = usePonder((state) => state.searchHits);
    // Hits come best first, one per matching message: a chat is listed once, with its best snippet.
    const hits = allHits?.filter((hit, index) => allHits.findIndex((other) => other.chatId === hit.chatId) === index);
    const openSearchHit = usePonder((state) => state.openSearchHit);

    if (hits == null)
        return <p className="conversations__empty" role="status">{t("conversations.searching")}</p>;
    if (hits.length === 0)
        return <p className="conversations__empty" role="status">{t("conversations.noResults")}</p>;

    return (
        <ul className="search-results" aria-label={t("conversations.results")}>
            {hits.map((hit) => (
                <li key={hit.chatId}>
                    <button type="button" className="search-results__hit" onClick={() => void openSearchHit(hit)}>
                        <span className="search-results__title">{hit.chatTitle === "" ? t("chats.untitled") : hit.chatTitle}</span>
                        <span className="search-results__snippet">
                            {hit.field === "reasoning" && <span className="search-results__field">{t("conversations.inReasoning")} </span>}
                            {hit.snippet.map((piece, index) => piece.match
                                ? <mark key={index}>{piece.text}</mark>
                                : <span key={index}>{piece.text}</span>)}
                        </span>
                    </button>
                </li>
            ))}
        </ul>
    );
}
