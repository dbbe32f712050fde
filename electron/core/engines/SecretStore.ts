/**
 * Keeps secrets (remote engines' API keys) out of the database in plain text. The desktop app
 * implements it with Electron's safeStorage (the OS keychain); `serve` with {@link FileKeySecretStore}.
 */
export interface SecretStore {
    /** Shown to the user: how their keys are protected. */
    readonly protection: "os-keychain" | "key-file";
    /** Encrypts a secret to a string that is safe to store. Throws when no protection is available. */
    seal(secret: string): string;
    open(sealed: string): string;
}
