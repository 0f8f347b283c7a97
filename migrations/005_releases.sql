-- Published releases, their compiled per-platform snapshots, and SDK events.
CREATE TABLE releases (
    id         INTEGER PRIMARY KEY,
    app_id     INTEGER NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    number     INTEGER NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    catalog    BLOB NOT NULL,   -- the drafts as a catalog file, for diffs and rollback
    UNIQUE (app_id, number)
);

CREATE TABLE snapshots (
    release_id  INTEGER NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    platform_id INTEGER NOT NULL REFERENCES app_platforms (id) ON DELETE CASCADE,
    body        BLOB NOT NULL,
    PRIMARY KEY (release_id, platform_id)
);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    platform_id INTEGER NOT NULL,
    type        TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    campaign    TEXT NOT NULL DEFAULT '',
    variant     TEXT NOT NULL DEFAULT '',
    paywall     TEXT NOT NULL DEFAULT '',
    sku         TEXT NOT NULL DEFAULT '',
    occurred_at TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX events_platform_time ON events (platform_id, occurred_at);
