-- A name for this archive, made once: `migrate-database` records it in PostgreSQL with the copy, and refuses to
-- copy into a database that holds another archive (which its sync would otherwise empty).
CREATE TABLE archive_identity (
    id TEXT PRIMARY KEY NOT NULL,
    created_at REAL NOT NULL
) STRICT;
INSERT INTO archive_identity (id, created_at) VALUES ('archive_' || lower(hex(randomblob(12))), (julianday('now') - 2440587.5) * 86400.0);
