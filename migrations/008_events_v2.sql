-- Events schema v2: every event carries the SDK's own id, unique per platform, so a retried batch
-- is stored once; exposures, placements, holdouts and revenue are recorded. Events stored before
-- ids existed keep a made-up id ("legacy-<row>") so that they stay unique.
ALTER TABLE events RENAME TO events_v1;

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    platform_id INTEGER NOT NULL,
    event_id    TEXT NOT NULL,
    type        TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    placement   TEXT NOT NULL DEFAULT '',
    campaign    TEXT NOT NULL DEFAULT '',
    variant     TEXT NOT NULL DEFAULT '',
    paywall     TEXT NOT NULL DEFAULT '',
    holdout     INTEGER NOT NULL DEFAULT 0,
    sku         TEXT NOT NULL DEFAULT '',
    revenue     TEXT NOT NULL DEFAULT '',
    currency    TEXT NOT NULL DEFAULT '',
    occurred_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    UNIQUE (platform_id, event_id)
);

INSERT INTO events (platform_id, event_id, type, device_id, campaign, variant, paywall, sku, occurred_at, received_at)
SELECT platform_id, 'legacy-' || id, type, device_id, campaign, variant, paywall, sku, occurred_at, received_at
FROM events_v1 ORDER BY id;

DROP TABLE events_v1;

-- A scratch table for the write check (store.CheckWritable): a row is written and deleted, so
-- a full disk or a read-only file shows up as a failed write, not as a lost event.
CREATE TABLE write_check (
    id   INTEGER PRIMARY KEY,
    data BLOB NOT NULL
);
