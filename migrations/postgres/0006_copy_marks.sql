-- What `eachvault migrate-database` left in each table at its last verified copy: its row count and content digest.
-- A later copy compares them with what the tables hold now, and refuses (unless --force) when instances have written
-- here since: copying the SQLite file again would overwrite or delete their rows. PostgreSQL only (no SQLite twin).
CREATE TABLE database_copy_marks (
    table_name text PRIMARY KEY,
    row_count bigint NOT NULL,
    digest text NOT NULL,
    copied_at bigint NOT NULL
);
