/**
 * Schema migrations: entry N brings the schema from version N to N + 1 (`PRAGMA user_version`).
 * Append only; never edit a migration that has shipped.
 */
export const migrations: readonly string[] = [
    `
    CREATE TABLE chats (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE INDEX chats_by_activity ON chats (updated_at DESC);

    CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        chat_id TEXT NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
        -- A tree: edits and regenerations are siblings under the same parent.
        parent_id TEXT REFERENCES messages (id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
        text TEXT NOT NULL DEFAULT '',
        reasoning TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        thinking_started_at INTEGER,
        thinking_ended_at INTEGER,
        stats TEXT,
        error TEXT
    );
    CREATE INDEX messages_by_chat ON messages (chat_id, created_at);
    CREATE INDEX messages_by_parent ON messages (parent_id);
    `
];
