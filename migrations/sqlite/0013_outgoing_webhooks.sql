-- Outgoing webhooks: a team's endpoints, the outbox of messages to deliver (one row per event and endpoint,
-- written in the same transaction as the event) and every delivery attempt (the endpoint's delivery log).
CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY NOT NULL,
    team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    events TEXT NOT NULL,  -- JSON array of event types
    secret TEXT NOT NULL,  -- whsec_<base64>, shown to the team once
    enabled INTEGER NOT NULL DEFAULT 1,
    disabled_reason TEXT,
    created_at REAL NOT NULL
) STRICT;
CREATE INDEX webhook_endpoints_by_team ON webhook_endpoints (team_id);

CREATE TABLE webhook_messages (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL,  -- webhook-id: the same on every attempt
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_type TEXT NOT NULL,
    generation_id TEXT,
    payload TEXT NOT NULL,
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL,  -- NULL once delivered or given up
    delivered_at REAL,
    gave_up_at REAL,
    last_status INTEGER,
    UNIQUE (endpoint_id, message_id)
) STRICT;
CREATE INDEX webhook_messages_due ON webhook_messages (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX webhook_messages_by_generation ON webhook_messages (endpoint_id, generation_id, id);

CREATE TABLE webhook_attempts (
    id INTEGER PRIMARY KEY,
    message INTEGER NOT NULL REFERENCES webhook_messages (id) ON DELETE CASCADE,
    at REAL NOT NULL,
    status INTEGER,
    latency_ms REAL NOT NULL,
    response_excerpt TEXT,
    error TEXT
) STRICT;
CREATE INDEX webhook_attempts_by_message ON webhook_attempts (message, id);
