-- What several instances share besides the archive: who is working on which due row, and the provider's rate.
-- Kept apart from the archive's tables, which stay column for column those of the SQLite archive.

-- A lease on one due item of a queue ('submissions', 'polls', 'downloads', …): the instance `owner` works on it
-- until `expires_at` (Unix seconds). An instance that dies leaves its leases to expire; another claims the item
-- then. A lease holds only while the item is due at `due_at`: recording the work moves the item's due time (or
-- takes it out of the queue), which ends the lease without another statement.
CREATE TABLE work_leases (
    queue      text NOT NULL,
    item       text NOT NULL,
    owner      text NOT NULL,
    expires_at double precision NOT NULL,
    due_at     double precision NOT NULL,
    PRIMARY KEY (queue, item)
);
CREATE INDEX work_leases_by_owner ON work_leases (owner);

-- The provider's request rate, shared: each call takes the next free slot (`next_slot`, Unix seconds), slots one
-- interval apart; a 429 holds every instance until `paused_until`.
CREATE TABLE provider_gate (
    name         text PRIMARY KEY,
    next_slot    double precision NOT NULL,
    paused_until double precision NOT NULL DEFAULT 0
);
