-- The same change as migrations/sqlite/0019_poster_turns.sql: posters and previews wait by team, so teams take
-- turns in ffmpeg's one lane. The index by due time stays beside the new one, for "when is the next one due".
ALTER TABLE derived_files ADD COLUMN team_id text;
UPDATE derived_files SET team_id = (
    SELECT min(team_id) FROM (
        SELECT team_id FROM generation_outputs WHERE sha256 = derived_files.source_sha256
        UNION ALL SELECT team_id FROM generation_inputs WHERE sha256 = derived_files.source_sha256
        UNION ALL SELECT team_id FROM team_files WHERE sha256 = derived_files.source_sha256) holders)
WHERE sha256 IS NULL AND error IS NULL;
CREATE INDEX derived_files_waiting_by_team ON derived_files (team_id, changed_at) WHERE sha256 IS NULL AND error IS NULL;
