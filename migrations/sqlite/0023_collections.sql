-- Named collections: a team gathers generations under a name ("launch teaser", "client review") and can share the
-- whole collection as one link. A generation may be in several collections; deleting either side drops the item.
CREATE TABLE collections (
    id          TEXT PRIMARY KEY NOT NULL,
    team_id     TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT,
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL,
    UNIQUE (team_id, name)
) STRICT;

CREATE TABLE collection_items (
    collection_id TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    generation_id TEXT NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
    added_at      REAL NOT NULL,
    PRIMARY KEY (collection_id, generation_id)
) STRICT;
CREATE INDEX collection_items_by_generation ON collection_items (generation_id);

-- A share link opens one generation or one collection: generation_id becomes optional, beside collection_id.
CREATE TABLE shares_new (
    id            TEXT PRIMARY KEY NOT NULL,
    generation_id TEXT REFERENCES generations (id) ON DELETE CASCADE,
    team_id       TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    token_sha256  TEXT NOT NULL UNIQUE,
    created_at    REAL NOT NULL,
    expires_at    REAL NOT NULL,
    revoked_at    REAL,
    collection_id TEXT REFERENCES collections (id) ON DELETE CASCADE,
    CHECK ((generation_id IS NULL) <> (collection_id IS NULL))
) STRICT;
INSERT INTO shares_new (id, generation_id, team_id, token_sha256, created_at, expires_at, revoked_at)
    SELECT id, generation_id, team_id, token_sha256, created_at, expires_at, revoked_at FROM shares;
DROP TABLE shares;
ALTER TABLE shares_new RENAME TO shares;
CREATE INDEX shares_by_generation ON shares (generation_id);
CREATE INDEX shares_by_collection ON shares (collection_id);
