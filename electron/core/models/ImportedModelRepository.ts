import type {PonderDatabase} from "../store/openDatabase.ts";

/** Model files the user added from outside the models folder; they stay listed across restarts. */
export class ImportedModelRepository {
    readonly #db: PonderDatabase;

    constructor(db: PonderDatabase) {
        this.#db = db;
    }

    list(): string[] {
        return (this.#db.prepare("SELECT path FROM imported_models ORDER BY added_at").all() as Array<{path: string}>).map((row) => row.path);
    }

    add(filePath: string): void {
        this.#db.prepare("INSERT OR IGNORE INTO imported_models (path, added_at) VALUES (?, ?)").run(filePath, Date.now());
    }

    remove(filePath: string): void {
        this.#db.prepare("DELETE FROM imported_models WHERE path = ?").run(filePath);
    }
}
