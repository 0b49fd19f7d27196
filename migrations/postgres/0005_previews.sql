-- The same change as migrations/sqlite/0018_previews.sql: each stored video also gets a preview (a few silent seconds,
-- H.264 MP4 at most 320 pixels wide) that a gallery card plays while pointed at.
ALTER TABLE derived_files DROP CONSTRAINT derived_files_kind_check;
ALTER TABLE derived_files ADD CONSTRAINT derived_files_kind_check CHECK (kind IN ('poster', 'preview'));
INSERT INTO derived_files (source_sha256, kind, changed_at)
SELECT sha256, 'preview', stored_at FROM assets WHERE content_type LIKE 'video/%';
