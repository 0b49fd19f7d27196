-- Indexes that only cost writes. The work queues read their partial indexes by (team, due time) since 0009, so the
-- first-generation indexes over due times alone are never chosen; every completion and every download still had
-- to update them. (A first webhook delivery touched some fifteen pages; each one is a page written to the WAL and
-- later to the database.)
DROP INDEX IF EXISTS generations_due;
DROP INDEX IF EXISTS generations_confirm_pending;
DROP INDEX IF EXISTS outputs_to_download;
DROP INDEX IF EXISTS inputs_to_download;
