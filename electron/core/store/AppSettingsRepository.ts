import type {PonderDatabase} from "./openDatabase.ts";

/** App-wide preferences the core keeps (not the renderer's own, such as the language), by name. */
export class AppSettingsRepository {
    readonly #db: PonderDatabase;

    constructor(db: PonderDatabase) {
        this.#db = db;
    }

    get(key: string): string | undefined {
        return (this.#db.prepare("SELECT value FROM app_settings WHERE key = ?").get(key) as {value: string} | undefined)?.value;
    }

    set(key: string, value: string): void {
        this.#db.prepare("INSERT INTO app_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(key, value);
    }

    delete(key: string): void {
        this.#db.prepare("DELETE FROM app_settings WHERE key = ?").run(key);
    }
}
