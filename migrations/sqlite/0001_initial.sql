-- EachVault schema, version 1. Migrations are applied in file-name order and recorded in grdb_migrations;
-- once landed, a migration is never edited: change the schema with a new numbered file.
-- Times are Unix seconds (REAL). JSON columns hold compact JSON text.

-- The provider's model catalogue, cached: validation never waits on the provider for a known model.
CREATE TABLE models (
    slug           TEXT PRIMARY KEY NOT NULL,
    version        TEXT NOT NULL,
    title          TEXT NOT NULL,
    category       TEXT,
    output_type    TEXT,
    request_schema TEXT NOT NULL,
    cost           TEXT,              -- null: unknown (never "free")
    fetched_at     REAL NOT NULL
) STRICT;

-- One row per requested video. `seq` is the stable integer key the search index and cursors use.
CREATE TABLE generations (
    seq               INTEGER PRIMARY KEY,
    id                TEXT NOT NULL UNIQUE,
    model             TEXT NOT NULL,
    version           TEXT NOT NULL,
    input             TEXT NOT NULL,  -- as sent to the provider (validated, normalised)
    prompt            TEXT,
    negative_prompt   TEXT,
    tags              TEXT NOT NULL DEFAULT '[]',
    status            TEXT NOT NULL CHECK (status IN
                          ('pending', 'submitted', 'processing', 'downloading', 'completed', 'failed', 'cancelled')),
    prediction_id     TEXT UNIQUE,
    provider_status   TEXT,
    error_code        TEXT,
    error_message     TEXT,
    cost_usd          REAL,
    predict_time_s    REAL,
    created_at        REAL NOT NULL,
    updated_at        REAL NOT NULL,
    submitted_at      REAL,
    completed_at      REAL,
    submit_attempts   INTEGER NOT NULL DEFAULT 0,
    -- Set just before a create call is sent and cleared when its outcome is recorded: a row still carrying it
    -- after a crash may have reached the provider, so it is reconciled, never blindly resubmitted.
    submit_started_at REAL,
    poll_attempts     INTEGER NOT NULL DEFAULT 0,
    -- When a worker should next act on the row (retry a create, poll the prediction).
    next_action_at    REAL
) STRICT;

CREATE INDEX generations_due ON generations (next_action_at)
    WHERE status IN ('pending', 'submitted', 'processing');
CREATE INDEX generations_by_created ON generations (created_at);
CREATE INDEX generations_by_model ON generations (model, created_at);
CREATE INDEX generations_by_status ON generations (status, created_at);

-- One row per stored blob (content-addressed: blobs/<2 hex>/<2 hex>/<sha256>).
CREATE TABLE assets (
    sha256       TEXT PRIMARY KEY NOT NULL CHECK (length(sha256) = 64),
    size         INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    duration_s   REAL,
    width        INTEGER,
    height       INTEGER,
    video_codec  TEXT,
    has_audio    INTEGER,
    stored_at    REAL NOT NULL
) STRICT;

-- The provider's output files of a generation; `sha256` is set once the bytes are stored and verified.
CREATE TABLE generation_outputs (
    generation_id   TEXT NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    source_url      TEXT NOT NULL,
    sha256          TEXT REFERENCES assets (sha256),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL,
    last_error      TEXT,
    PRIMARY KEY (generation_id, position)
) STRICT;

CREATE INDEX outputs_to_download ON generation_outputs (next_attempt_at) WHERE sha256 IS NULL;
CREATE INDEX outputs_by_sha256 ON generation_outputs (sha256);

-- A short history per generation: submitted, polled, download attempts, completed, ...
CREATE TABLE generation_events (
    id            INTEGER PRIMARY KEY,
    generation_id TEXT NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
    at            REAL NOT NULL,
    kind          TEXT NOT NULL,
    detail        TEXT
) STRICT;

CREATE INDEX events_by_generation ON generation_events (generation_id, id);

-- Full-text index over what people search by; rowid = generations.seq, kept in step by the triggers below.
CREATE VIRTUAL TABLE generation_search USING fts5 (
    prompt, negative_prompt, model, title, tags,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER generation_search_insert AFTER INSERT ON generations BEGIN
    INSERT INTO generation_search (rowid, prompt, negative_prompt, model, title, tags)
    VALUES (new.seq, coalesce(new.prompt, ''), coalesce(new.negative_prompt, ''), new.model,
            coalesce((SELECT title FROM models WHERE slug = new.model), ''),
            (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(new.tags)));
END;

CREATE TRIGGER generation_search_update AFTER UPDATE OF prompt, negative_prompt, model, tags ON generations BEGIN
    DELETE FROM generation_search WHERE rowid = old.seq;
    INSERT INTO generation_search (rowid, prompt, negative_prompt, model, title, tags)
    VALUES (new.seq, coalesce(new.prompt, ''), coalesce(new.negative_prompt, ''), new.model,
            coalesce((SELECT title FROM models WHERE slug = new.model), ''),
            (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(new.tags)));
END;

CREATE TRIGGER generation_search_delete AFTER DELETE ON generations BEGIN
    DELETE FROM generation_search WHERE rowid = old.seq;
END;
