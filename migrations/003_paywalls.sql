-- Paywalls, their copy per locale, their ordered products, and uploaded images.
CREATE TABLE images (
    hash         TEXT PRIMARY KEY,   -- hex SHA-256 of data
    content_type TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    data         BLOB NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE TABLE paywalls (
    id             INTEGER PRIMARY KEY,
    app_id         INTEGER NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    ref            TEXT NOT NULL,
    name           TEXT NOT NULL,
    template       TEXT NOT NULL,
    default_locale TEXT NOT NULL,
    accent         TEXT NOT NULL,
    background     TEXT NOT NULL,
    text_color     TEXT NOT NULL,
    hero_image     TEXT REFERENCES images (hash),
    version        INTEGER NOT NULL DEFAULT 1,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL DEFAULT '',
    UNIQUE (app_id, ref)
);

CREATE TABLE paywall_copy (
    paywall_id INTEGER NOT NULL REFERENCES paywalls (id) ON DELETE CASCADE,
    locale     TEXT NOT NULL,
    title      TEXT NOT NULL DEFAULT '',
    subtitle   TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL DEFAULT '',
    cta        TEXT NOT NULL DEFAULT '',
    footer     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (paywall_id, locale)
);

CREATE TABLE paywall_products (
    paywall_id  INTEGER NOT NULL REFERENCES paywalls (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    product_id  INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    badge       TEXT NOT NULL DEFAULT '',
    highlighted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (paywall_id, position)
);
CREATE INDEX paywall_products_product ON paywall_products (product_id);
