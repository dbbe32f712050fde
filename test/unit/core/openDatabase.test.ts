import {chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {afterEach, beforeEach, describe, expect, test} from "vitest";
import {openDatabase} from "../../../electron/core/store/openDatabase.ts";

let dir: string;
beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "ponder-db-modes-"));
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe.skipIf(process.platform === "win32")("the data folder and database are private to their owner", () => {
    test("a new data folder is 0700; ponder.db, its WAL and shared memory are 0600", () => {
        const dataDir = path.join(dir, "Ponder");
        const dbPath = path.join(dataDir, "ponder.db");
        const db = openDatabase(dbPath);
        db.prepare("INSERT INTO chats (id, title, created_at, updated_at) VALUES ('c', 't', 1, 1)").run();
        expect(modeOf(dataDir)).toBe(0o700);
        for (const file of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) {
            expect(existsSync(file), file).toBe(true);
            expect(modeOf(file), file).toBe(0o600);
        }
        db.close();
    });

    test("files an older Ponder left readable to others are tightened on open", () => {
        const dbPath = path.join(dir, "ponder.db");
        openDatabase(dbPath).close();
        chmodSync(dir, 0o755);
        chmodSync(dbPath, 0o644);
        writeFileSync(`${dbPath}-wal`, "");
        chmodSync(`${dbPath}-wal`, 0o644);
        const db = openDatabase(dbPath);
        expect(modeOf(dir)).toBe(0o700);
        expect(modeOf(dbPath)).toBe(0o600);
        expect(modeOf(`${dbPath}-wal`)).toBe(0o600);
        db.close();
    });
});
