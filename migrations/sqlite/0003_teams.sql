-- Teams, their API tokens, and share links. A generation (with its assets and files) belongs to one team.

CREATE TABLE teams (
    id         TEXT PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL
) STRICT;

-- Only the SHA-256 of a token is stored; the token itself is shown once, when created.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY NOT NULL,
    team_id      TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name         TEXT,
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at   REAL NOT NULL,
    last_used_at REAL,
    revoked_at   REAL
) STRICT;

-- Generations recorded before teams existed keep a null team: no team sees them.
ALTER TABLE generations ADD COLUMN team_id TEXT REFERENCES teams (id);
CREATE INDEX generations_by_team ON generations (team_id, created_at);

-- Share links: a random token (stored hashed) that opens one generation without a team token until it expires.
CREATE TABLE shares (
    id            TEXT PRIMARY KEY NOT NULL,
    generation_id TEXT NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
    team_id       TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    token_sha256  TEXT NOT NULL UNIQUE,
    created_at    REAL NOT NULL,
    expires_at    REAL NOT NULL,
    revoked_at    REAL
) STRICT;
CREATE INDEX shares_by_generation ON shares (generation_id);
