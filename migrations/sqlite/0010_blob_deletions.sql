-- Blobs being collected. A collection deletes unreferenced asset rows and notes each digest here in one
-- transaction, removes the bytes from the blob store (a folder or an S3-compatible store: outside any database
-- transaction), then forgets the note. While a digest is noted, nothing may record it as stored: a download or upload
-- of the same bytes waits until the collection is through and stores them again. A note left by a collection that
-- died is finished by the next one.
CREATE TABLE blob_deletions (
    sha256 TEXT PRIMARY KEY NOT NULL,
    noted_at REAL NOT NULL
) STRICT;
