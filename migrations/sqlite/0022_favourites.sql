-- Favourites: a team marks the generations it keeps coming back to (the gallery's star, `eachvault star`,
-- `PATCH /v1/generations/{id}` with `favourite`), and filters by them (`favourite=true`).
ALTER TABLE generations ADD COLUMN favourite INTEGER NOT NULL DEFAULT 0;
CREATE INDEX generations_favourites ON generations (team_id, seq) WHERE favourite = 1;
