-- Analytics aggregates, folded from the raw events by store.AggregateEvents, so that results and
-- analytics pages read a few rows per device or per day instead of the raw events, and keep
-- their history after raw events pass their retention.

-- How far the aggregates have got: every event with events.id <= last_event is folded in.
CREATE TABLE analytics_cursor (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    last_event INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO analytics_cursor (id, last_event, updated_at) VALUES (1, 0, '');

-- One row per device and campaign. first_at (unix milliseconds, device time) and arm are those of
-- the device's earliest exposure whatever order the events arrived in; arm is the variant ref, or
-- '' for the holdout. multiple is 1 once the device was exposed in two arms. impressions counts
-- the device's impressions that name the campaign; the row can exist before its exposure arrives
-- (first_at NULL), since devices flush offline batches out of order.
CREATE TABLE campaign_devices (
    platform_id INTEGER NOT NULL,
    campaign    TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    first_at    INTEGER,
    arm         TEXT NOT NULL DEFAULT '',
    multiple    INTEGER NOT NULL DEFAULT 0,
    impressions INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (platform_id, campaign, device_id)
) WITHOUT ROWID;

-- Purchases and trial starts, kept beyond the raw events' retention: conversions are few, and
-- results join them to each device's first exposure. revenue is in 1/10000 of the currency unit.
CREATE TABLE conversions (
    event       INTEGER PRIMARY KEY, -- events.id it came from
    platform_id INTEGER NOT NULL,
    device_id   TEXT NOT NULL,
    type        TEXT NOT NULL,       -- purchase or trial_start
    occurred_at INTEGER NOT NULL,    -- unix milliseconds, device time
    revenue     INTEGER NOT NULL,
    currency    TEXT NOT NULL,
    sku         TEXT NOT NULL,
    paywall     TEXT NOT NULL,
    campaign    TEXT NOT NULL
);
CREATE INDEX conversions_time ON conversions (platform_id, occurred_at);

-- Per platform, UTC day (days since 1970-01-01) and paywall ('' for what no paywall names: a
-- purchase made outside one): event counts. Unique viewers are HyperLogLog sketches, so that the
-- viewers of any range of days can be merged without keeping every device of every day.
CREATE TABLE daily_paywalls (
    platform_id INTEGER NOT NULL,
    day         INTEGER NOT NULL,
    paywall     TEXT NOT NULL,
    impressions INTEGER NOT NULL DEFAULT 0,
    purchases   INTEGER NOT NULL DEFAULT 0,
    trials      INTEGER NOT NULL DEFAULT 0,
    viewers     BLOB,
    PRIMARY KEY (platform_id, day, paywall)
) WITHOUT ROWID;

-- The same days' unique viewers of any paywall of the platform (a device seeing two paywalls is
-- one viewer), and exposures.
CREATE TABLE daily_platforms (
    platform_id INTEGER NOT NULL,
    day         INTEGER NOT NULL,
    exposures   INTEGER NOT NULL DEFAULT 0,
    viewers     BLOB,
    PRIMARY KEY (platform_id, day)
) WITHOUT ROWID;

-- Revenue of purchases per day, paywall and currency, in 1/10000 of the unit.
CREATE TABLE daily_revenue (
    platform_id INTEGER NOT NULL,
    day         INTEGER NOT NULL,
    paywall     TEXT NOT NULL,
    currency    TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    PRIMARY KEY (platform_id, day, paywall, currency)
) WITHOUT ROWID;
