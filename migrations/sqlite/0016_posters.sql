-- Files made from a stored video or image for browsing: its poster (a still of the video, a smaller copy of the
-- image), a JPEG at most 480 pixels wide. A made file is an asset of its own (content-addressed, in `assets` and the
-- blob store), visible to whoever sees its source and collected by `gc` with it. A row waits (no `sha256`, no
-- `error`) from the moment its source is stored until a poster is made, or making one failed (`error` says why; not
-- tried again by itself: `eachvault posters --retry-failed`).
CREATE TABLE derived_files (
    source_sha256 TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('poster')),
    sha256        TEXT,
    error         TEXT,
    changed_at    REAL NOT NULL,
    PRIMARY KEY (source_sha256, kind)
) STRICT;
CREATE INDEX derived_files_waiting ON derived_files (changed_at) WHERE sha256 IS NULL AND error IS NULL;
CREATE INDEX derived_files_by_sha256 ON derived_files (sha256) WHERE sha256 IS NOT NULL;

-- Every video and image already archived waits for its poster (made in the background, at a bounded rate).
INSERT INTO derived_files (source_sha256, kind, changed_at)
SELECT sha256, 'poster', stored_at FROM assets WHERE content_type LIKE 'video/%' OR content_type LIKE 'image/%';
