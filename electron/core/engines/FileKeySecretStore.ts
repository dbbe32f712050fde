import {createCipheriv, createDecipheriv, randomBytes} from "node:crypto";
import {existsSync, mkdirSync, readFileSync, writeFileSync} from "node:fs";
import path from "node:path";
import type {SecretStore} from "./SecretStore.ts";

/**
 * For `serve`, which has no OS keychain: secrets are sealed with AES-256-GCM under a random key
 * kept in a separate file readable only by the user (mode 0600). A copied database alone
 * reveals no key; someone who can read the whole data folder can, as with any headless server.
 */
export class FileKeySecretStore implements SecretStore {
    readonly protection = "key-file";
    readonly #keyFile: string;
    #key: Buffer | undefined;

    constructor(keyFile: string) {
        this.#keyFile = keyFile;
    }

    seal(secret: string): string {
        const iv = randomBytes(12);
        const cipher = createCipheriv("aes-256-gcm", this.#loadKey(), iv);
        const encrypted = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
        return Buffer.concat([iv, cipher.getAuthTag(), encrypted]).toString("base64");
    }

    open(sealed: string): string {
        const bytes = Buffer.from(sealed, "base64");
        const decipher = createDecipheriv("aes-256-gcm", this.#loadKey(), bytes.subarray(0, 12));
        decipher.setAuthTag(bytes.subarray(12, 28));
        return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8");
    }

    #loadKey(): Buffer {
        if (this.#key == null) {
            if (!existsSync(this.#keyFile)) {
                mkdirSync(path.dirname(this.#keyFile), {recursive: true});
                writeFileSync(this.#keyFile, randomBytes(32).toString("base64"), {mode: 0o600, flag: "wx"});
            }
            this.#key = Buffer.from(readFileSync(this.#keyFile, "utf8").trim(), "base64");
        }
        return this.#key;
    }
}
