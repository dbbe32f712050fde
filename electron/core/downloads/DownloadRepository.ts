import type {DownloadStatus} from "../../contract.ts";
import type {PonderDatabase} from "../store/openDatabase.ts";
import type {ResolvedFile} from "./resolveAddress.ts";
import {failureColumn, failureFromColumn} from "../store/failureColumn.ts";
import type {Failure} from "../../contract/errors.ts";

export interface DownloadRecord {
    id: string;
    address: string;
    title: string;
    dir: string;
    files: ResolvedFile[];
    status: DownloadStatus;
    error: Failure | null;
    modelId: string | null;
    createdAt: number;
}

interface DownloadRow {
    id: string;
    address: string;
    title: string;
    dir: string;
    files: string;
    status: DownloadStatus;
    error: string | null;
    model_id: string | null;
    created_at: number;
}

/** The download queue in SQLite: what to fetch and where it stands. Progress lives on disk, in the files. */
export class DownloadRepository {
    readonly #db: PonderDatabase;

    constructor(db: PonderDatabase) {
        this.#db = db;
    }

    list(): DownloadRecord[] {
        const rows = this.#db.prepare("SELECT * FROM downloads ORDER BY created_at, rowid").all() as DownloadRow[];
        return rows.map((row) => ({
            id: row.id,
            address: row.address,
            title: row.title,
            dir: row.dir,
            files: JSON.parse(row.files) as ResolvedFile[],
            status: row.status,
            error: failureFromColumn(row.error),
            modelId: row.model_id,
            createdAt: row.created_at
        }));
    }

    insert(record: DownloadRecord): void {
        this.#db.prepare(`INSERT INTO downloads (id, address, title, dir, files, status, error, model_id, created_at)
            VALUES (@id, @address, @title, @dir, @files, @status, @error, @modelId, @createdAt)`)
            .run({...record, files: JSON.stringify(record.files), error: failureColumn(record.error)});
    }

    update(id: string, change: {status: DownloadStatus; error: Failure | null; modelId?: string | null}): void {
        this.#db.prepare("UPDATE downloads SET status = @status, error = @error, model_id = coalesce(@modelId, model_id) WHERE id = @id")
            .run({id, status: change.status, error: failureColumn(change.error), modelId: change.modelId ?? null});
    }

    delete(id: string): void {
        this.#db.prepare("DELETE FROM downloads WHERE id = ?").run(id);
    }
}
