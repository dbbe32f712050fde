import {mkdirSync} from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import * as sqliteVec from "sqlite-vec";
import type {DocumentPiece} from "./splitDocument.ts";

/** A piece found for a question, with its cosine distance to it (0 is the same direction). */
export interface FoundPiece extends DocumentPiece {
    documentId: string;
    distance: number;
}

/**
 * The embedded pieces of attached documents, in their own SQLite file (`attachments/index.db`)
 * with the sqlite-vec extension: derived data, rebuilt from the stored text whenever it is
 * missing, so the conversations' database never depends on the extension loading. Vectors are
 * kept per embedding model (its file name and size): another model indexes again.
 * A search is exact (`vec_distance_cosine` over the pieces of the documents asked about): a
 * conversation's documents hold thousands of pieces, which sqlite-vec scans in milliseconds.
 */
export class DocumentIndex {
    readonly #db: Database.Database;

    constructor(dir: string) {
        mkdirSync(dir, {recursive: true});
        this.#db = new Database(path.join(dir, "index.db"));
        this.#db.pragma("journal_mode = WAL");
        // Inside a packaged app the extension is read from app.asar.unpacked: the OS can't load a library inside an archive.
        this.#db.loadExtension(sqliteVec.getLoadablePath().replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`));
        this.#db.exec(`
            CREATE TABLE IF NOT EXISTS pieces (
                document_id TEXT NOT NULL,
                model TEXT NOT NULL,
                piece INTEGER NOT NULL,
                page INTEGER,
                heading TEXT,
                text TEXT NOT NULL,
                vector BLOB NOT NULL,
                PRIMARY KEY (document_id, model, piece)
            );
            CREATE TABLE IF NOT EXISTS indexed (
                document_id TEXT NOT NULL,
                model TEXT NOT NULL,
                pieces INTEGER NOT NULL,
                PRIMARY KEY (document_id, model)
            );
        `);
    }

    /** Whether every piece of the document is embedded with the model. */
    isIndexed(documentId: string, model: string): boolean {
        return this.#db.prepare("SELECT 1 FROM indexed WHERE document_id = ? AND model = ?").get(documentId, model) != null;
    }

    /** The pieces already embedded (an indexing that was stopped goes on from there). */
    storedPieces(documentId: string, model: string): Set<number> {
        const rows = this.#db.prepare("SELECT piece FROM pieces WHERE document_id = ? AND model = ?").pluck().all(documentId, model) as number[];
        return new Set(rows);
    }

    add(documentId: string, model: string, pieces: ReadonlyArray<{piece: DocumentPiece; vector: Float32Array}>): void {
        const insert = this.#db.prepare(`INSERT OR REPLACE INTO pieces (document_id, model, piece, page, heading, text, vector)
            VALUES (?, ?, ?, ?, ?, ?, ?)`);
        this.#db.transaction(() => {
            for (const {piece, vector} of pieces)
                insert.run(documentId, model, piece.index, piece.page, piece.heading, piece.text, vectorBlob(vector));
        })();
    }

    markIndexed(documentId: string, model: string, pieces: number): void {
        this.#db.prepare("INSERT OR REPLACE INTO indexed (document_id, model, pieces) VALUES (?, ?, ?)").run(documentId, model, pieces);
    }

    /** The `limit` pieces of the documents closest to the vector, closest first. */
    search(documentIds: readonly string[], model: string, vector: Float32Array, limit: number): FoundPiece[] {
        if (documentIds.length === 0)
            return [];
        const rows = this.#db.prepare(`
            SELECT document_id AS documentId, piece AS "index", page, heading, text, vec_distance_cosine(vector, ?) AS distance
            FROM pieces
            WHERE model = ? AND document_id IN (SELECT value FROM json_each(?))
            ORDER BY distance, document_id, piece
            LIMIT ?`).all(vectorBlob(vector), model, JSON.stringify(documentIds), limit) as FoundPiece[];
        return rows;
    }

    close(): void {
        this.#db.close();
    }
}

function vectorBlob(vector: Float32Array): Buffer {
    return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}
