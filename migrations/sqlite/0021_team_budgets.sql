-- Team budgets (`eachvault team update --budget-usd --storage-gb`): a monthly spend limit in US dollars and a limit
-- on the bytes of the team's files, each NULL for none. A create that would pass the spend limit is refused before
-- the provider is called; a team over its storage limit gets no new downloads until it is back under.
ALTER TABLE teams ADD COLUMN budget_usd REAL;
ALTER TABLE teams ADD COLUMN storage_limit_bytes INTEGER;

-- A generation's estimated cost, kept from its create: the month's spend counts it until the real cost is known, so
-- a burst of creates cannot pass the budget before the first of them finishes.
ALTER TABLE generations ADD COLUMN estimated_cost_usd REAL;

-- What each deleted generation cost, by team and creation time: deleting generations must not give a team its
-- month's budget back.
CREATE TABLE spend_of_deleted (
    generation_id TEXT PRIMARY KEY NOT NULL,
    team_id    TEXT NOT NULL,
    created_at REAL NOT NULL,
    usd        REAL NOT NULL
) STRICT;
CREATE INDEX spend_of_deleted_by_team ON spend_of_deleted (team_id, created_at);
