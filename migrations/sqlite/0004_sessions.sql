-- Gallery sign-in sessions: a random cookie value (stored hashed) standing for one team token.
CREATE TABLE sessions (
    session_sha256 TEXT PRIMARY KEY NOT NULL,
    token_id       TEXT NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    created_at     REAL NOT NULL,
    expires_at     REAL NOT NULL
) STRICT;
