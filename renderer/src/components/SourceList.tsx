import {useTranslation} from "react-i18next";
import type {Message} from "../../../electron/contract";
import {usePonder} from "../store/PonderStoreContext";

/**
 * The passages of attached documents an answer was given (documents too long for the context),
 * numbered as the model cites them; each opens to its text.
 */
export function SourceList({message}: {message: Message}) {
    const {t} = useTranslation();
    if (message.sources == null || message.sources.length === 0)
        return null;
    return (
        <ol className="sources" aria-label={t("sources.list")}>
            {message.sources.map((source, index) => (
                <li key={`${source.attachmentId}:${source.piece}`} className="sources__item">
                    <details>
                        <summary>
                            {t("sources.item", {n: index + 1, name: source.name})}
                            {source.page != null && ` · ${t("sources.page", {page: source.page})}`}
                        </summary>
                        <blockquote className="sources__text">{source.text}</blockquote>
                    </details>
                </li>
            ))}
        </ol>
    );
}

/** While a reply's documents are indexed: how far, for the document in progress. */
export function IndexingStatus({messageId}: {messageId: string}) {
    const {t, i18n} = useTranslation();
    const indexing = usePonder((state) => state.indexing[messageId]);
    if (indexing == null)
        return null;
    const count = (value: number) => new Intl.NumberFormat(i18n.language).format(value);
    return (
        <p className="message__status" role="status">
            {t("sources.indexing", {name: indexing.name, done: count(indexing.done), total: count(indexing.total)})}
            <progress className="sources__progress" max={indexing.total} value={indexing.done} aria-label={indexing.name} />
        </p>
    );
}
