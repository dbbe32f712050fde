import type {ExtractedDocument} from "./extractDocument.ts";

/** A passage of a document, as retrieval embeds and quotes it. */
export interface DocumentPiece {
    /** Its place in the document, from 0. */
    index: number;
    /** The PDF page it is on (a piece never spans two); null for documents without pages. */
    page: number | null;
    /** The heading it falls under, if the text has headings (Markdown `#`, or a short title line). */
    heading: string | null;
    text: string;
}

/** About 300 tokens of English: small enough that several fit a question's prompt, large enough to hold a thought. */
export const maxPieceChars = 1200;

const markdownHeading = /^#{1,6}\s+\S/;

/**
 * Splits a document by its structure: pages, then headings, then paragraphs (blank lines),
 * joining short paragraphs up to {@link maxPieceChars}. A paragraph longer than that is split at
 * line ends, then sentence ends, then anywhere.
 */
export function splitDocument(document: ExtractedDocument, maxChars = maxPieceChars): DocumentPiece[] {
    const pieces: DocumentPiece[] = [];
    let heading: string | null = null;
    for (const page of document.pages) {
        let current = "";
        const flush = () => {
            if (current.trim() !== "")
                pieces.push({index: pieces.length, page: page.number, heading, text: current.trim()});
            current = "";
        };
        for (const block of page.text.split(/\n[ \t]*\n/)) {
            const trimmed = block.trim();
            if (trimmed === "")
                continue;
            if (isHeading(trimmed)) {
                flush();
                heading = trimmed.replace(/^#+\s*/, "");
            }
            for (const part of cut(trimmed, maxChars)) {
                if (current !== "" && current.length + 2 + part.length > maxChars)
                    flush();
                current = current === "" ? part : `${current}\n\n${part}`;
            }
        }
        flush();
    }
    return pieces;
}

/** A Markdown heading, or a lone short line without a sentence's end (a title in a PDF or text file). */
function isHeading(block: string) {
    return markdownHeading.test(block) || (!block.includes("\n") && block.length <= 80 && !/[.!?:;,。！？：；，]$/.test(block) && /\p{L}/u.test(block));
}

/** A block in parts of at most `maxChars`: at line ends, then sentence ends, then hard. */
function cut(block: string, maxChars: number): string[] {
    if (block.length <= maxChars)
        return [block];
    for (const separator of [/(?<=\n)/, /(?<=[.!?。！？])\s*/]) {
        const units = block.split(separator).filter((unit) => unit.trim() !== "");
        if (units.length > 1)
            return units.flatMap((unit) => cut(unit.trim(), maxChars)).reduce<string[]>(join(maxChars), []);
    }
    const parts: string[] = [];
    for (let start = 0; start < block.length; start += maxChars)
        parts.push(block.slice(start, start + maxChars));
    return parts;
}

function join(maxChars: number) {
    return (parts: string[], unit: string) => {
        const last = parts.at(-1);
        if (last != null && last.length + 1 + unit.length <= maxChars)
            parts[parts.length - 1] = `${last} ${unit}`;
        else
            parts.push(unit);
        return parts;
    };
}
