-- Webhook-driven completion (polling stays as the fallback) and crash-safe creates.

-- A fresh random secret per generation, given to the provider with the create: one leaked secret exposes one
-- generation. Null when webhooks are off (no EACHVAULT_PUBLIC_URL).
ALTER TABLE generations ADD COLUMN webhook_secret TEXT;
-- Set when a create may have reached the provider but its answer was lost (or the process died mid-call): the
-- generation is reconciled from webhooks and the provider's webhook log, never resubmitted blindly.
ALTER TABLE generations ADD COLUMN submit_uncertain_since REAL;
-- A webhook delivered the outcome but not the settled cost: one confirming read is still owed.
ALTER TABLE generations ADD COLUMN confirm_pending INTEGER NOT NULL DEFAULT 0;

-- Every delivery received, kept before it is answered: raw body, what was checked, and the verdict.
CREATE TABLE webhook_deliveries (
    id                INTEGER PRIMARY KEY,
    generation_id     TEXT NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
    received_at       REAL NOT NULL,
    verdict           TEXT NOT NULL CHECK (verdict IN ('applied', 'duplicate', 'confirm', 'rejected')),
    reason            TEXT,
    scheme            TEXT NOT NULL CHECK (scheme IN ('signature', 'legacy-secret', 'none')),
    webhook_timestamp TEXT,
    exec_id           TEXT,
    body              BLOB NOT NULL
) STRICT;

CREATE INDEX webhook_deliveries_by_generation ON webhook_deliveries (generation_id, id);

CREATE INDEX generations_uncertain ON generations (submit_uncertain_since)
    WHERE submit_uncertain_since IS NOT NULL AND status = 'pending';
CREATE INDEX generations_confirm_pending ON generations (next_action_at) WHERE confirm_pending = 1;
