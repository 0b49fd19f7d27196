-- Input lineage, the provider's upload flow, and imported predictions.

-- Media inputs of a generation (image_url, end_image_url, audio_url, image_urls[2], ...): downloaded and stored like
-- outputs so the story of a video survives the source URL's expiry. They never hold up the generation itself.
CREATE TABLE generation_inputs (
    generation_id   TEXT NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
    field           TEXT NOT NULL,
    position        INTEGER NOT NULL,  -- the index within an array field; 0 for a single URL
    source_url      TEXT NOT NULL,
    sha256          TEXT REFERENCES assets (sha256),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL,              -- null once stored or given up
    last_error      TEXT,
    PRIMARY KEY (generation_id, field, position)
) STRICT;

CREATE INDEX inputs_to_download ON generation_inputs (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX inputs_by_sha256 ON generation_inputs (sha256);

-- Local files sent through the provider's presigned upload flow, reused while the provider keeps them: the same
-- file given twice is uploaded once and yields the same public URL (and so the same request key).
CREATE TABLE provider_uploads (
    sha256      TEXT PRIMARY KEY NOT NULL REFERENCES assets (sha256) ON DELETE CASCADE,
    upload_id   TEXT NOT NULL,
    public_url  TEXT NOT NULL,
    uploaded_at REAL NOT NULL,
    reuse_until REAL NOT NULL          -- well inside the provider's retention (180 days by default)
) STRICT;

-- Files a team put into the archive (`POST /v1/uploads`, streamed) to use as inputs by reference:
-- `"image_url": "sha256:<hex>"`. Unused ones are collected by `eachvault gc` a week after their upload.
CREATE TABLE team_files (
    team_id     TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    sha256      TEXT NOT NULL REFERENCES assets (sha256) ON DELETE CASCADE,
    uploaded_at REAL NOT NULL,
    PRIMARY KEY (team_id, sha256)
) STRICT;

-- How a generation entered the archive: submitted by EachVault, or imported from a prediction made elsewhere.
ALTER TABLE generations ADD COLUMN origin TEXT NOT NULL DEFAULT 'submitted' CHECK (origin IN ('submitted', 'imported'));

-- Spend reports and the cost filter.
CREATE INDEX generations_by_team_cost ON generations (team_id, cost_usd) WHERE cost_usd IS NOT NULL;
