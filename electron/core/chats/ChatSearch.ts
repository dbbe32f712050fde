import type {SearchHit} from "../../contract.ts";
import type {PonderDatabase} from "../store/openDatabase.ts";
import {spacedCjk} from "../store/spacedCjk.ts";

interface HitRow {
    id: string;
    chat_id: string;
    role: SearchHit["role"];
    created_at: number;
    title: string;
}

interface FtsHitRow extends HitRow {
    text_snippet: string;
    reasoning_snippet: string;
}

interface WordHitRow extends HitRow {
    text: string;
    reasoning: string;
}

/** Marks around matches in FTS5 snippets: control characters that typed text doesn't contain. */
const open = "\u0001";
const close = "\u0002";
/** Characters of context shown on each side of a match. */
const context = 32;

/**
 * Full-text search over message text and reasoning, newest messages first (which also lets a
 * query stop after the first `limit` matches instead of ranking every one). The trigram index
 * finds any substring of 3 or more characters, whatever the language. A query with a shorter
 * word goes to the word index instead, where each CJK character is a word: a two-character
 * Chinese word is found anywhere, other short words by prefix ("th" finds "the", from the
 * index's prefix index rather than by merging every word that begins so).
 */
export class ChatSearch {
    readonly #trigrams;
    readonly #words;

    constructor(db: PonderDatabase) {
        this.#trigrams = db.prepare<[string, number], FtsHitRow>(`
            SELECT m.id, m.chat_id, m.role, m.created_at, c.title,
                snippet(messages_fts, 0, '${open}', '${close}', '…', 64) AS text_snippet,
                snippet(messages_fts, 1, '${open}', '${close}', '…', 64) AS reasoning_snippet
            FROM messages_fts
            JOIN messages m ON m.rowid = messages_fts.rowid
            JOIN chats c ON c.id = m.chat_id
            WHERE messages_fts MATCH ? AND c.deleted_at IS NULL
            ORDER BY messages_fts.rowid DESC
            LIMIT ?`);
        this.#words = db.prepare<[string, number], WordHitRow>(`
            SELECT m.id, m.chat_id, m.role, m.created_at, m.text, m.reasoning, c.title
            FROM messages_words
            JOIN messages m ON m.rowid = messages_words.rowid
            JOIN chats c ON c.id = m.chat_id
            WHERE messages_words MATCH ? AND c.deleted_at IS NULL
            ORDER BY messages_words.rowid DESC
            LIMIT ?`);
    }

    search(query: string, limit = 50): SearchHit[] {
        const terms = query.trim().split(/\s+/).filter((term) => term !== "");
        if (terms.length === 0)
            return [];
        if (terms.every((term) => [...term].length >= 3))
            return this.#trigrams.all(terms.map(quoted).join(" AND "), limit).map(fromTrigramRow);

        // Terms without a letter or digit have no words to look up.
        const searchable = terms.filter((term) => /[\p{L}\p{N}]/u.test(term));
        if (searchable.length === 0)
            return [];
        const match = searchable.map((term) => /\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Hangul}/u.test(term)
            ? quoted(spacedCjk(term).trim().replace(/\s+/g, " "))
            : quoted(term) + "*").join(" AND ");
        return this.#words.all(match, limit).map((row) => {
            const field = searchable.every((term) => includesIgnoringCase(row.text, term)) ? "text" : "reasoning";
            return {...hitOf(row), field, snippet: snippetAround(field === "text" ? row.text : row.reasoning, searchable)};
        });
    }
}

/** An FTS5 string: the term taken literally, whatever quotes or operators it holds. */
function quoted(term: string): string {
    return `"${term.replaceAll("\"", "\"\"")}"`;
}

function hitOf(row: HitRow): Omit<SearchHit, "field" | "snippet"> {
    return {chatId: row.chat_id, chatTitle: row.title, messageId: row.id, role: row.role, createdAt: row.created_at};
}

function fromTrigramRow(row: FtsHitRow): SearchHit {
    const field = row.text_snippet.includes(open) ? "text" : "reasoning";
    return {...hitOf(row), field, snippet: piecesOf(field === "text" ? row.text_snippet : row.reasoning_snippet)};
}

/** Splits a marked snippet into plain and matched pieces. */
function piecesOf(marked: string): SearchHit["snippet"] {
    const pieces: SearchHit["snippet"] = [];
    for (const [index, part] of marked.split(new RegExp(`[${open}${close}]`)).entries()) {
        if (part !== "")
            pieces.push({text: part, match: index % 2 === 1});
    }
    return pieces;
}

function includesIgnoringCase(text: string, term: string): boolean {
    return text.toLowerCase().includes(term.toLowerCase());
}

/** A window of the text around the first match, with every term's matches in it marked. */
function snippetAround(text: string, terms: string[]): SearchHit["snippet"] {
    const lower = text.toLowerCase();
    const first = Math.max(0, lower.indexOf(terms[0]!.toLowerCase()));
    const start = Math.max(0, first - context);
    const end = Math.min(text.length, first + terms[0]!.length + context);
    const window = text.slice(start, end);
    const escaped = terms.map((term) => term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    const marked = window.replace(new RegExp(escaped.join("|"), "gi"), (found) => open + found + close);
    return piecesOf((start > 0 ? "…" : "") + marked + (end < text.length ? "…" : ""));
}
