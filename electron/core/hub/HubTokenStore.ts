import type {SecretStore} from "../engines/SecretStore.ts";
import type {AppSettingsRepository} from "../store/AppSettingsRepository.ts";

const settingKey = "hub.sealedToken";

/**
 * The user's optional Hugging Face token, sealed by the {@link SecretStore} (the OS keychain in
 * the desktop app, a key file in `serve`) exactly as the remote engines' keys are. Opened once and
 * kept in memory, since every hub request asks for it.
 */
export class HubTokenStore {
    readonly #settings: AppSettingsRepository;
    readonly #secrets: SecretStore;
    #token: string | null | undefined;

    constructor(settings: AppSettingsRepository, secrets: SecretStore) {
        this.#settings = settings;
        this.#secrets = secrets;
    }

    token(): string | null {
        if (this.#token === undefined) {
            const sealed = this.#settings.get(settingKey);
            this.#token = sealed == null ? null : this.#secrets.open(sealed);
        }
        return this.#token;
    }

    /** How the token is sealed on this machine, for the settings view. */
    get protection(): SecretStore["protection"] {
        return this.#secrets.protection;
    }

    /** Null removes it. */
    set(token: string | null): void {
        if (token == null)
            this.#settings.delete(settingKey);
        else
            this.#settings.set(settingKey, this.#secrets.seal(token));
        this.#token = token;
    }
}
