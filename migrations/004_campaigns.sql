-- Campaigns and their A/B variants.
CREATE TABLE campaigns (
    id              INTEGER PRIMARY KEY,
    app_id          INTEGER NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    ref             TEXT NOT NULL,
    name            TEXT NOT NULL,
    label           TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('draft', 'live', 'paused', 'ended')),
    priority        INTEGER NOT NULL DEFAULT 0,
    starts_at       TEXT,
    ends_at         TEXT,
    holdout_percent INTEGER NOT NULL DEFAULT 0 CHECK (holdout_percent BETWEEN 0 AND 100),
    audience        TEXT NOT NULL DEFAULT '{"match":"all","conditions":[]}',
    version         INTEGER NOT NULL DEFAULT 1,
    updated_at      TEXT NOT NULL,
    UNIQUE (app_id, ref)
);

CREATE TABLE campaign_variants (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    ref         TEXT NOT NULL,
    paywall_id  INTEGER NOT NULL REFERENCES paywalls (id) ON DELETE RESTRICT,
    weight      INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, position),
    UNIQUE (campaign_id, ref)
);
CREATE INDEX campaign_variants_paywall ON campaign_variants (paywall_id);
