import {PonderError} from "../../contract/errors.ts";
import {chmodSync, closeSync, existsSync, mkdirSync, openSync} from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import {migrations} from "./migrations.ts";
import {spacedCjk} from "./spacedCjk.ts";

export type PonderDatabase = Database.Database;

/**
 * Opens (creating if needed) Ponder's SQLite database and brings its schema up to date.
 * WAL lets readers (the chat list, search) run while a generation writes, and with
 * `synchronous = NORMAL` a crash loses at most the last transactions, never the file.
 */
export function openDatabase(filePath: string): PonderDatabase {
    keepPrivate(filePath);
    const db = new Database(filePath);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    migrate(db);
    return db;
}

/**
 * Conversations are for their owner only: the folder is 0700 and the database 0600 on POSIX,
 * tightened too where an older Ponder left them readable. SQLite gives the WAL and shared-memory
 * files the database's own mode when it creates them; existing ones are tightened here.
 */
function keepPrivate(filePath: string) {
    const dir = path.dirname(filePath);
    mkdirSync(dir, {recursive: true, mode: 0o700});
    closeSync(openSync(filePath, "a", 0o600));
    if (process.platform === "win32")
        return;
    chmodSync(dir, 0o700);
    for (const file of [filePath, `${filePath}-wal`, `${filePath}-shm`]) {
        if (existsSync(file))
            chmodSync(file, 0o600);
    }
}

/**
 * Registers the SQL functions the schema's triggers call, then applies the migrations newer than
 * the database's `user_version`, each in its own transaction.
 */
export function migrate(db: PonderDatabase): void {
    db.function("ponder_spaced_cjk", {deterministic: true}, (text: unknown) => typeof text === "string" ? spacedCjk(text) : text);
    const current = db.pragma("user_version", {simple: true}) as number;
    if (current > migrations.length)
        throw new PonderError("store.newerDatabase", {schema: current, known: migrations.length});
    for (let version = current + 1; version <= migrations.length; version++) {
        db.transaction(() => {
            db.exec(migrations[version - 1]!);
            db.pragma(`user_version = ${version}`);
        })();
    }
}
