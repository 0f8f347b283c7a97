-- The catalog: store platforms, apps, app platforms, entitlements and product SKUs.
CREATE TABLE store_platforms (
    code     TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    position INTEGER NOT NULL
);
INSERT INTO store_platforms (code, name, position) VALUES
    ('apple',  'Apple App Store',     1),
    ('google', 'Google Play',         2),
    ('amazon', 'Amazon Appstore',     3),
    ('roku',   'Roku Channel Store',  4),
    ('web',    'Web checkout',        5);

CREATE TABLE apps (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE app_platforms (
    id          INTEGER PRIMARY KEY,
    app_id      INTEGER NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    ref         TEXT NOT NULL,
    store       TEXT NOT NULL REFERENCES store_platforms (code),
    name        TEXT NOT NULL,
    bundle_id   TEXT NOT NULL DEFAULT '',
    environment TEXT NOT NULL CHECK (environment IN ('production', 'sandbox')),
    sdk_key     TEXT NOT NULL UNIQUE,
    version     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (app_id, ref)
);

CREATE TABLE entitlements (
    id          INTEGER PRIMARY KEY,
    app_id      INTEGER NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    ref         TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (app_id, ref)
);

CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    platform_id INTEGER NOT NULL REFERENCES app_platforms (id) ON DELETE CASCADE,
    sku         TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('subscription', 'non_consumable', 'consumable')),
    price       TEXT NOT NULL,
    currency    TEXT NOT NULL,
    period      TEXT NOT NULL DEFAULT '',
    trial       TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (platform_id, sku)
);

CREATE TABLE product_entitlements (
    product_id     INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    entitlement_id INTEGER NOT NULL REFERENCES entitlements (id) ON DELETE CASCADE,
    PRIMARY KEY (product_id, entitlement_id)
);
CREATE INDEX product_entitlements_entitlement ON product_entitlements (entitlement_id);
