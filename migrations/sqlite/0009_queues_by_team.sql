-- The work queues, by team. Workers pick due rows with teams taking turns, and ask when the next row falls due, on
-- every wake-up. Both used to read every waiting row (the poll queue's status test took bound values, which no
-- partial index can match): with 150,000 generations waiting for their webhooks each pick cost 40-60 ms, and a burst
-- of completions made every download read the whole backlog. Now each queue has a partial index by (team, due time)
-- whose condition the queries spell the same way (`GenerationQueue`, `PendingFile.Kind`), so a pick or a "next due"
-- reads a few rows per team whatever the backlog.

CREATE INDEX generations_submission_queue ON generations (team_id, next_action_at)
    WHERE status = 'pending' AND submit_started_at IS NULL;
CREATE INDEX generations_poll_queue ON generations (team_id, next_action_at)
    WHERE status IN ('submitted', 'processing') OR confirm_pending = 1;
CREATE INDEX generations_reconciliation_queue ON generations (team_id, next_action_at)
    WHERE status = 'pending' AND submit_uncertain_since IS NOT NULL;

-- Files carry their generation's team, so their queues can be read by team too.
ALTER TABLE generation_outputs ADD COLUMN team_id TEXT;
ALTER TABLE generation_inputs ADD COLUMN team_id TEXT;
UPDATE generation_outputs SET team_id = (SELECT team_id FROM generations g WHERE g.id = generation_id);
UPDATE generation_inputs SET team_id = (SELECT team_id FROM generations g WHERE g.id = generation_id);

-- A file always belongs to its generation's team, whatever code path inserts it.
CREATE TRIGGER generation_outputs_team AFTER INSERT ON generation_outputs WHEN new.team_id IS NULL BEGIN
    UPDATE generation_outputs SET team_id = (SELECT team_id FROM generations WHERE id = new.generation_id)
    WHERE rowid = new.rowid;
END;
CREATE TRIGGER generation_inputs_team AFTER INSERT ON generation_inputs WHEN new.team_id IS NULL BEGIN
    UPDATE generation_inputs SET team_id = (SELECT team_id FROM generations WHERE id = new.generation_id)
    WHERE rowid = new.rowid;
END;

CREATE INDEX outputs_download_queue ON generation_outputs (team_id, next_attempt_at) WHERE sha256 IS NULL;
CREATE INDEX inputs_download_queue ON generation_inputs (team_id, next_attempt_at) WHERE next_attempt_at IS NOT NULL;

-- A model's typical run time (when is a missing webhook overdue) reads its latest finished predictions only.
CREATE INDEX generations_run_times ON generations (model, seq) WHERE predict_time_s IS NOT NULL;
