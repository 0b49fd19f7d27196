-- The same column as migrations/sqlite/0017_made_from.sql.
-- The generation a "Make again" or "Variation" started from (`made_from` of POST /v1/generations), shown on both
-- detail pages. Not a foreign key: the original may be deleted later, and the link then leads nowhere.
ALTER TABLE generations ADD COLUMN made_from text;
CREATE INDEX generations_by_made_from ON generations (made_from) WHERE made_from IS NOT NULL;
