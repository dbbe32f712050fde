import type {SecretStore} from "../engines/SecretStore.ts";
import type {PonderDatabase} from "../store/openDatabase.ts";

/**
 * The user's optional Hugging Face token, sealed by the {@link SecretStore} (the OS keychain in
 * the desktop app, a key file in `serve`) exactly as the remote engines' keys are. Opened once and
 * kept in memory, since every hub request asks for it.
 */
export class HubTokenStore {
    readonly #db: PonderDatabase;
    readonly #secrets: SecretStore;
    #token: string | null | undefined;

    constructor(db: PonderDatabase, secrets: SecretStore) {
        this.#db = db;
        this.#secrets = secrets;
    }

    token(): string | null {
        if (this.#token === undefined) {
            const row = this.#db.prepare("SELECT sealed_token FROM hub_settings WHERE id = 1").get() as {sealed_token: string | null} | undefined;
            this.#token = row?.sealed_token == null ? null : this.#secrets.open(row.sealed_token);
        }
        return this.#token;
    }

    /** Null removes it. */
    set(token: string | null): void {
        const sealed = token == null ? null : this.#secrets.seal(token);
        this.#db.prepare("INSERT INTO hub_settings (id, sealed_token) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET sealed_token = excluded.sealed_token").run(sealed);
        this.#token = token;
    }
}
