import {randomBytes} from "node:crypto";
import {mkdir, readFile, writeFile} from "node:fs/promises";
import path from "node:path";

const tokenPattern = /^[A-Za-z0-9_-]{32,}$/;

/** The access token kept in the data folder, readable by its owner only; made on first use. */
export async function loadOrCreateToken(filePath: string): Promise<string> {
    const existing = (await readFile(filePath, "utf8").catch(() => "")).trim();
    if (tokenPattern.test(existing))
        return existing;
    const token = randomBytes(24).toString("base64url");
    await mkdir(path.dirname(filePath), {recursive: true});
    await writeFile(filePath, token + "\n", {mode: 0o600});
    return token;
}
