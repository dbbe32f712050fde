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
    `,
    // Conversations that last (#3): pin, rename, delete with undo, per-chat settings, branches, search.
    `
    ALTER TABLE chats ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
    -- Set while a deleted chat can still be restored; such chats are purged at the next start.
    ALTER TABLE chats ADD COLUMN deleted_at INTEGER;
    ALTER TABLE chats ADD COLUMN system_prompt TEXT NOT NULL DEFAULT '';
    ALTER TABLE chats ADD COLUMN send_reasoning INTEGER NOT NULL DEFAULT 0;
    -- The newest message of the branch on screen; null means the newest message of the chat.
    ALTER TABLE chats ADD COLUMN active_leaf_id TEXT;
    DROP INDEX chats_by_activity;
    CREATE INDEX chats_by_activity ON chats (deleted_at, pinned DESC, updated_at DESC);

    -- Trigram tokens find any substring of 3+ characters, so Chinese (no spaces between words)
    -- is searchable; shorter queries use messages_words (a later migration). External content: the text is stored once.
    -- The content rowid is messages' implicit rowid, so messages must never be VACUUMed without rebuilding this.
    CREATE VIRTUAL TABLE messages_fts USING fts5(text, reasoning, content = 'messages', tokenize = 'trigram');
    INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
    CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts (rowid, text, reasoning) VALUES (new.rowid, new.text, new.reasoning);
    END;
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, text, reasoning) VALUES ('delete', old.rowid, old.text, old.reasoning);
    END;
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF text, reasoning ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, text, reasoning) VALUES ('delete', old.rowid, old.text, old.reasoning);
        INSERT INTO messages_fts (rowid, text, reasoning) VALUES (new.rowid, new.text, new.reasoning);
    END;
    `,
    // Model library and downloads (#4): the download queue survives restarts and crashes (the
    // bytes themselves are on disk); models imported from outside the models folder stay listed.
    `
    CREATE TABLE downloads (
        id TEXT PRIMARY KEY,
        address TEXT NOT NULL,
        title TEXT NOT NULL,
        -- Folder under the models folder, with '/' separators.
        dir TEXT NOT NULL,
        -- JSON: [{name, url, sizeBytes, sha256}], parts in order.
        files TEXT NOT NULL,
        status TEXT NOT NULL,
        error TEXT,
        model_id TEXT,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE imported_models (
        path TEXT PRIMARY KEY,
        added_at INTEGER NOT NULL
    );
    `,
    // Generation settings (#5): only what the user changed from the model family's preset, as JSON.
    `
    CREATE TABLE model_settings (
        model_id TEXT PRIMARY KEY,
        settings TEXT NOT NULL
    );
    CREATE TABLE chat_settings (
        chat_id TEXT PRIMARY KEY REFERENCES chats (id) ON DELETE CASCADE,
        settings TEXT NOT NULL
    );
    `,
    // Remote engines and the local API server (#6): an engine's key is sealed by the secret
    // store (the OS keychain in the desktop app), never stored in plain text.
    `
    CREATE TABLE remote_engines (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        base_url TEXT NOT NULL,
        sealed_key TEXT,
        created_at INTEGER NOT NULL
    );
    -- The desktop app's local API server (one row). Its key is the user's own, shown in the UI.
    CREATE TABLE api_server (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        enabled INTEGER NOT NULL,
        allow_network INTEGER NOT NULL,
        port INTEGER NOT NULL,
        api_key TEXT NOT NULL
    );
    `,
    // Search for queries shorter than trigrams (#3): a second index where each CJK character is a
    // word of its own, so a two-character Chinese word is a two-word phrase, and other words are
    // whole (found by prefix). ponder_spaced_cjk() is registered by migrate() on every connection.
    `
    CREATE VIRTUAL TABLE messages_words USING fts5(text, reasoning, content = '', contentless_delete = 1, tokenize = 'unicode61');
    INSERT INTO messages_words (rowid, text, reasoning) SELECT rowid, ponder_spaced_cjk(text), ponder_spaced_cjk(reasoning) FROM messages;
    CREATE TRIGGER messages_words_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_words (rowid, text, reasoning) VALUES (new.rowid, ponder_spaced_cjk(new.text), ponder_spaced_cjk(new.reasoning));
    END;
    CREATE TRIGGER messages_words_delete AFTER DELETE ON messages BEGIN
        DELETE FROM messages_words WHERE rowid = old.rowid;
    END;
    CREATE TRIGGER messages_words_update AFTER UPDATE OF text, reasoning ON messages BEGIN
        DELETE FROM messages_words WHERE rowid = old.rowid;
        INSERT INTO messages_words (rowid, text, reasoning) VALUES (new.rowid, ponder_spaced_cjk(new.text), ponder_spaced_cjk(new.reasoning));
    END;
    `,
    // Finding replies left streaming by a crash, at every start, without reading every message;
    // listing thousands of chats from one index, without a lookup per chat into the big file (#3).
    `
    CREATE INDEX messages_streaming ON messages (status) WHERE status = 'streaming';
    DROP INDEX chats_by_activity;
    CREATE INDEX chats_by_activity ON chats (deleted_at, pinned DESC, updated_at DESC, id, title, created_at, system_prompt, send_reasoning);
    `,
    // The conversation list by pages (#3): a page starts after the last chat of the one before,
    // (pinned, updated_at, id) < the cursor, which this index answers with one range scan.
    // Search for a one- or two-letter word by prefix ("th" finds "the") read the doclists of every
    // word it begins and merged them (a quarter of a second over a million messages); FTS5's
    // prefix index answers it from one doclist, so the words index is made again with it.
    `
    DROP INDEX chats_by_activity;
    CREATE INDEX chats_by_activity ON chats (deleted_at, pinned, updated_at, id);

    -- The triggers on messages name messages_words and are compiled when they fire, so they
    -- write to the new table as they did to the old.
    DROP TABLE messages_words;
    CREATE VIRTUAL TABLE messages_words USING fts5(text, reasoning, content = '', contentless_delete = 1, tokenize = 'unicode61', prefix = '1 2');
    INSERT INTO messages_words (rowid, text, reasoning) SELECT rowid, ponder_spaced_cjk(text), ponder_spaced_cjk(reasoning) FROM messages;
    `,
    // MCP tool servers (#17): how to start each one (its environment values and headers sealed by
    // the secret store, as engine keys are), the user's choices per tool, and the limits of calls.
    `
    CREATE TABLE tool_servers (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        enabled INTEGER NOT NULL,
        -- JSON: {kind: "stdio", command, args, cwd, envNames} or {kind: "http", url, headerNames}.
        endpoint TEXT NOT NULL,
        -- Sealed JSON of the environment values (stdio) or header values (http); null when none.
        sealed_values TEXT,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE tool_preferences (
        server_id TEXT NOT NULL REFERENCES tool_servers (id) ON DELETE CASCADE,
        tool_name TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        always_allow INTEGER NOT NULL,
        PRIMARY KEY (server_id, tool_name)
    );
    CREATE TABLE tool_limits (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        limits TEXT NOT NULL
    );
    `,
    // App-wide preferences kept by the core (#20): the models folder the user chose, and the like.
    `
    CREATE TABLE app_settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    `,
    // Documents in a conversation (#18): the documents a question attached, as JSON
    // ([{id, name, kind, pages, tokens, sizeBytes}]); their text is in attachments/ by hash.
    `
    ALTER TABLE messages ADD COLUMN attachments TEXT;
    `,
    // A reply's tool calls (#17), in order, each with where it happened in the reasoning and answer (JSON).
    `
    ALTER TABLE messages ADD COLUMN tool_calls TEXT;
    `,
    // Retrieval over attached documents (#18): the passages an answer was given to read, as JSON
    // ([{attachmentId, name, page, piece, text}]), so its citations outlive the index.
    `
    ALTER TABLE messages ADD COLUMN sources TEXT;
    `,
    // Presets (#20): the family preset chosen for a model or a chat (null: the one its name
    // suggests), and the user's own presets (settings JSON: the changed reply settings).
    `
    ALTER TABLE model_settings ADD COLUMN family TEXT;
    ALTER TABLE chat_settings ADD COLUMN family TEXT;
    CREATE TABLE user_presets (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        system_prompt TEXT NOT NULL,
        family TEXT NOT NULL,
        settings TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    `,
    // One word per concept (#19): what the model writes before its answer is "reasoning" in the
    // columns and in the JSON that stats, tool calls and settings keep, as in the code (it was
    // "thinking" and "thought"). JSON keys renamed this way go to the end of their object.
    `
    ALTER TABLE messages RENAME COLUMN thinking_started_at TO reasoning_started_at;
    ALTER TABLE messages RENAME COLUMN thinking_ended_at TO reasoning_ended_at;
    UPDATE messages
        SET stats = json_remove(json_set(stats, '$.reasoningMs', json_extract(stats, '$.thinkingMs'), '$.reasoningTokens', json_extract(stats, '$.thoughtTokens')), '$.thinkingMs', '$.thoughtTokens')
        WHERE json_type(stats, '$.thinkingMs') IS NOT NULL;
    UPDATE messages
        SET tool_calls = (
            SELECT json_group_array(json(CASE WHEN json_extract(call.value, '$.segment') = 'thought' THEN json_set(call.value, '$.segment', 'reasoning') ELSE call.value END) ORDER BY call.key)
            FROM json_each(messages.tool_calls) AS call
        )
        WHERE EXISTS (SELECT 1 FROM json_each(messages.tool_calls) WHERE json_extract(value, '$.segment') = 'thought');
    UPDATE model_settings
        SET settings = json_remove(json_set(settings, '$.reasoningBudget', json_extract(settings, '$.thinkingBudget')), '$.thinkingBudget')
        WHERE json_type(settings, '$.thinkingBudget') IS NOT NULL;
    UPDATE chat_settings
        SET settings = json_remove(json_set(settings, '$.reasoningBudget', json_extract(settings, '$.thinkingBudget')), '$.thinkingBudget')
        WHERE json_type(settings, '$.thinkingBudget') IS NOT NULL;
    UPDATE user_presets
        SET settings = json_remove(json_set(settings, '$.reasoningBudget', json_extract(settings, '$.thinkingBudget')), '$.thinkingBudget')
        WHERE json_type(settings, '$.thinkingBudget') IS NOT NULL;
    `
];
