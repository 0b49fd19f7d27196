-- Provider uploads are reused per team: keyed by SHA-256 alone, one team's dry run told whether another had sent the
-- same file, and its generation carried that team's upload URL. The reuse cache starts empty (a file is sent to the
-- provider again the next time a team uses it).
DROP TABLE provider_uploads;
CREATE TABLE provider_uploads (
    team_id     TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    sha256      TEXT NOT NULL REFERENCES assets (sha256) ON DELETE CASCADE,
    upload_id   TEXT NOT NULL,
    public_url  TEXT NOT NULL,
    uploaded_at REAL NOT NULL,
    reuse_until REAL NOT NULL,         -- well inside the provider's retention (180 days by default)
    PRIMARY KEY (team_id, sha256)
) STRICT;
CREATE INDEX provider_uploads_by_sha256 ON provider_uploads (sha256);
