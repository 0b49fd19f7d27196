-- The same change as migrations/sqlite/0020_poster_turns.sql.
-- Posters and previews take turns between teams like every other work queue: a waiting file carries the team whose
-- stored file first asked for it (identical bytes are stored, and made into a poster, once). The queue is read by
-- (team, time) through its own partial index, whose condition `QueueRule.posters` spells term for term.
ALTER TABLE derived_files ADD COLUMN team_id text;
UPDATE derived_files SET team_id = coalesce(
    (SELECT o.team_id FROM generation_outputs o WHERE o.sha256 = derived_files.source_sha256 LIMIT 1),
    (SELECT i.team_id FROM generation_inputs i WHERE i.sha256 = derived_files.source_sha256 LIMIT 1),
    (SELECT t.team_id FROM team_files t WHERE t.sha256 = derived_files.source_sha256 LIMIT 1))
WHERE sha256 IS NULL AND error IS NULL;
DROP INDEX derived_files_waiting;
CREATE INDEX derived_files_queue ON derived_files (team_id, changed_at) WHERE sha256 IS NULL AND error IS NULL;

-- Outgoing webhooks take turns between teams too (by their endpoint's team), one delivery in flight per endpoint.
CREATE INDEX webhook_messages_due_by_endpoint ON webhook_messages (endpoint_id, next_attempt_at)
    WHERE next_attempt_at IS NOT NULL;
