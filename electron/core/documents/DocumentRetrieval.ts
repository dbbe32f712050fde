import type {Attachment, DocumentIndexing, MessageSource} from "../../contract.ts";
import type {AttachmentStore} from "./AttachmentStore.ts";
import type {DocumentIndex} from "./DocumentIndex.ts";
import type {EmbeddingHost} from "./EmbeddingHost.ts";
import {splitDocument} from "./splitDocument.ts";

/** Passages stored per transaction while indexing: a stop loses at most this many. */
const batchSize = 16;
/** The most passages a question gets, however much room is left. */
const maxPassages = 8;

/**
 * Retrieval over documents too long for the context: splits each by its structure, embeds the
 * pieces once (resuming where a stopped indexing left off), and picks the pieces closest to a
 * question, as many as the token budget holds.
 */
export class DocumentRetrieval {
    readonly #store: AttachmentStore;
    readonly #index: DocumentIndex;
    readonly #embeddings: EmbeddingHost;
    readonly #countTokens: (text: string) => number;

    constructor(store: AttachmentStore, index: DocumentIndex, embeddings: EmbeddingHost, countTokens: (text: string) => number) {
        this.#store = store;
        this.#index = index;
        this.#embeddings = embeddings;
        this.#countTokens = countTokens;
    }

    /**
     * The passages of `attachments` that best answer `question`, closest first, within
     * `budgetTokens` (at least one). Indexes what isn't yet, reporting progress; throws an
     * AbortError when `signal` aborts.
     */
    async passages(question: string, attachments: readonly Attachment[], budgetTokens: number, signal: AbortSignal, onIndexing: (progress: DocumentIndexing) => void): Promise<MessageSource[]> {
        const {model, key} = await this.#embeddings.active();
        const documents = [...new Map(attachments.map((attachment) => [attachment.id, attachment])).values()];
        for (const attachment of documents)
            await this.#ensureIndexed(attachment, key, (text) => model.embed(text), signal, onIndexing);
        signal.throwIfAborted();
        const nameOf = new Map(documents.map(({id, name}) => [id, name]));
        const found = this.#index.search(documents.map(({id}) => id), key, await model.embed(question), maxPassages);
        const chosen: MessageSource[] = [];
        let used = 0;
        for (const piece of found) {
            const tokens = this.#countTokens(piece.text);
            if (chosen.length > 0 && used + tokens > budgetTokens)
                break;
            used += tokens;
            chosen.push({attachmentId: piece.documentId, name: nameOf.get(piece.documentId)!, page: piece.page, piece: piece.index, text: piece.text});
        }
        return chosen;
    }

    async #ensureIndexed(attachment: Attachment, key: string, embed: (text: string) => Promise<Float32Array>, signal: AbortSignal, onIndexing: (progress: DocumentIndexing) => void) {
        if (this.#index.isIndexed(attachment.id, key))
            return;
        const document = this.#store.document(attachment.id);
        if (document == null)
            return;
        const pieces = splitDocument(document);
        const stored = this.#index.storedPieces(attachment.id, key);
        let batch: Array<{piece: (typeof pieces)[number]; vector: Float32Array}> = [];
        let done = stored.size;
        onIndexing({name: attachment.name, done, total: pieces.length});
        for (const piece of pieces.filter(({index}) => !stored.has(index))) {
            signal.throwIfAborted();
            // The heading goes with every piece under it: a passage's topic is often only there.
            const vector = await embed(piece.heading == null || piece.text.startsWith(piece.heading) ? piece.text : `${piece.heading}\n${piece.text}`);
            batch.push({piece, vector});
            done++;
            if (batch.length === batchSize) {
                this.#index.add(attachment.id, key, batch);
                batch = [];
                onIndexing({name: attachment.name, done, total: pieces.length});
            }
        }
        this.#index.add(attachment.id, key, batch);
        this.#index.markIndexed(attachment.id, key, pieces.length);
        onIndexing({name: attachment.name, done, total: pieces.length});
    }
}

/** The passages as the model reads them before the question, numbered for citing. */
export function passagesText(sources: readonly MessageSource[]): string {
    const passages = sources.map((source, index) => {
        const page = source.page == null ? "" : ` page="${source.page}"`;
        return `<passage n="${index + 1}" document="${source.name.replace(/"/g, "'")}"${page}>\n${source.text}\n</passage>`;
    });
    return `The attached documents are too long to include whole. These are their passages that best match the question; cite them as [n].\n\n${passages.join("\n\n")}`;
}
