-- Previews: besides its poster, each stored video gets a preview, a few seconds of it, small and silent (H.264 MP4,
-- at most 320 pixels wide), that a gallery card plays while pointed at. Kept like posters, in `derived_files` with
-- kind `preview`. SQLite cannot widen a CHECK: the table is made again with the same rows.
CREATE TABLE derived_files_widened (
    source_sha256 TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('poster', 'preview')),
    sha256        TEXT,
    error         TEXT,
    changed_at    REAL NOT NULL,
    PRIMARY KEY (source_sha256, kind)
) STRICT;
INSERT INTO derived_files_widened (source_sha256, kind, sha256, error, changed_at)
SELECT source_sha256, kind, sha256, error, changed_at FROM derived_files;
DROP TABLE derived_files;
ALTER TABLE derived_files_widened RENAME TO derived_files;
CREATE INDEX derived_files_waiting ON derived_files (changed_at) WHERE sha256 IS NULL AND error IS NULL;
CREATE INDEX derived_files_by_sha256 ON derived_files (sha256) WHERE sha256 IS NOT NULL;

-- Every video already archived waits for its preview (posters are no videos: a poster is a JPEG).
INSERT INTO derived_files (source_sha256, kind, changed_at)
SELECT sha256, 'preview', stored_at FROM assets WHERE content_type LIKE 'video/%';
