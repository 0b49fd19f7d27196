-- The same change as migrations/sqlite/0022_favourites.sql.
-- Favourites: a team marks the generations it keeps coming back to, and filters by them (`favourite=true`).
ALTER TABLE generations ADD COLUMN favourite bigint NOT NULL DEFAULT 0;
CREATE INDEX generations_favourites ON generations (team_id, seq) WHERE favourite = 1;
