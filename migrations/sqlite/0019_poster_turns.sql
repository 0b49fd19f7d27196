-- Posters and previews wait by team, so teams take turns in ffmpeg's one lane: one team's backlog (thousands of
-- imports, an archive from before posters) no longer delays another team's first poster by hours. A file several
-- teams hold waits as the team whose file queued it; rows queued before this migration take the first team that
-- holds their source, and a source no team holds waits with the generations made before teams existed (NULL).
ALTER TABLE derived_files ADD COLUMN team_id TEXT;
UPDATE derived_files SET team_id = (
    SELECT min(team_id) FROM (
        SELECT team_id FROM generation_outputs WHERE sha256 = derived_files.source_sha256
        UNION ALL SELECT team_id FROM generation_inputs WHERE sha256 = derived_files.source_sha256
        UNION ALL SELECT team_id FROM team_files WHERE sha256 = derived_files.source_sha256))
WHERE sha256 IS NULL AND error IS NULL;
DROP INDEX derived_files_waiting;
CREATE INDEX derived_files_waiting ON derived_files (team_id, changed_at) WHERE sha256 IS NULL AND error IS NULL;
