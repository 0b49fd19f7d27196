-- Request deduplication: the canonical key of each generation's request (see RequestSchema+Canonical.swift), and how
-- many later requests were answered by this generation instead of paying again.
ALTER TABLE generations ADD COLUMN request_key TEXT;
ALTER TABLE generations ADD COLUMN dedup_hits INTEGER NOT NULL DEFAULT 0;
CREATE INDEX generations_by_request_key ON generations (team_id, request_key);

-- When the model's own read (which alone carries `cost`) was last cached; list reads refresh only `fetched_at`.
ALTER TABLE models ADD COLUMN detail_fetched_at REAL;
