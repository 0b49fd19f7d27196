-- Provider uploads are reused per team: keyed by SHA-256 alone, one team's dry run told whether another had sent the
-- same file, and its generation carried that team's upload URL. The reuse cache starts empty (a file is sent to the
-- provider again the next time a team uses it).
DROP TABLE provider_uploads;
CREATE TABLE provider_uploads (
    team_id     text NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    sha256      text NOT NULL REFERENCES assets (sha256) ON DELETE CASCADE,
    upload_id   text NOT NULL,
    public_url  text NOT NULL,
    uploaded_at double precision NOT NULL,
    reuse_until double precision NOT NULL,
    PRIMARY KEY (team_id, sha256)
);
CREATE INDEX provider_uploads_by_sha256 ON provider_uploads (sha256);
