-- Hardening: token scopes, tombstones for deleted predictions, a bounded record of refused webhook deliveries.

-- What a token may do beyond its team's ordinary API, space-separated. `import` archives predictions made outside
-- EachVault: with one shared provider key nothing proves which team made a prediction, so only tokens an operator
-- grants that scope may claim one.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT '';

-- A prediction whose generation a team deleted: no other team may import it afterwards.
CREATE TABLE deleted_predictions (
    prediction_id TEXT PRIMARY KEY NOT NULL,
    team_id       TEXT NOT NULL,
    deleted_at    REAL NOT NULL
) STRICT;

-- Refused webhook deliveries, counted rather than stored: one row per (generation, reason), never the body, so a
-- flood of forged deliveries costs a counter update each. The generation id is whatever the sender put in the URL
-- (known or not), which is why there is no foreign key.
CREATE TABLE webhook_rejections (
    generation_id TEXT NOT NULL,
    reason        TEXT NOT NULL,
    count         INTEGER NOT NULL,
    first_at      REAL NOT NULL,
    last_at       REAL NOT NULL,
    last_bytes    INTEGER NOT NULL,
    PRIMARY KEY (generation_id, reason)
) STRICT, WITHOUT ROWID;

-- Rejected deliveries stored whole before this migration go; accepted ones stay as the audit trail.
DELETE FROM webhook_deliveries WHERE verdict = 'rejected';

-- A second prediction for one generation: a create answered by a plain 500 may still have started one, and its
-- signed webhook names it. Confirmed with the provider's own read (its input must be this generation's request),
-- it is archived as a generation of its own (it was billed); unconfirmed, it changes nothing.
CREATE TABLE extra_predictions (
    prediction_id TEXT PRIMARY KEY NOT NULL,
    generation_id TEXT NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
    state         TEXT NOT NULL CHECK (state IN ('unconfirmed', 'confirmed', 'refused')),
    seen_at       REAL NOT NULL,
    next_check_at REAL NOT NULL,
    archived_as   TEXT
) STRICT;
CREATE INDEX extra_predictions_unconfirmed ON extra_predictions (next_check_at) WHERE state = 'unconfirmed';
