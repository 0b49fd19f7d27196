-- The same change as migrations/sqlite/0023_collections.sql.
-- Named collections: a team gathers generations under a name and can share the whole collection as one link.
CREATE TABLE collections (
    id          text PRIMARY KEY,
    team_id     text NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name        text NOT NULL,
    description text,
    created_at  double precision NOT NULL,
    updated_at  double precision NOT NULL,
    UNIQUE (team_id, name)
);

CREATE TABLE collection_items (
    collection_id text NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    generation_id text NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
    added_at      double precision NOT NULL,
    PRIMARY KEY (collection_id, generation_id)
);
CREATE INDEX collection_items_by_generation ON collection_items (generation_id);

-- A share link opens one generation or one collection.
ALTER TABLE shares ALTER COLUMN generation_id DROP NOT NULL;
ALTER TABLE shares ADD COLUMN collection_id text REFERENCES collections (id) ON DELETE CASCADE;
ALTER TABLE shares ADD CHECK ((generation_id IS NULL) <> (collection_id IS NULL));
CREATE INDEX shares_by_collection ON shares (collection_id);
