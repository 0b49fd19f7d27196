-- Where the background scrub (EACHVAULT_SCRUB_PER_HOUR) is in its walk over the archive's blobs, in digest order,
-- so a restart goes on from there rather than re-checking the start of the archive.
CREATE TABLE scrub_position (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_sha256 TEXT NOT NULL,
    updated_at REAL NOT NULL
) STRICT;
