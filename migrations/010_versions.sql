-- Every saved version of a paywall or campaign, for its history page and "restore": one row per
-- create or update, written in the transaction of the save (store.Tx records it), with the
-- entity's content as JSON (store.PaywallBody or store.CampaignBody: no row ids, products by
-- platform and SKU, variants by paywall ref). Rows go with their paywall or campaign.
CREATE TABLE entity_versions (
    id         INTEGER PRIMARY KEY,
    app_id     INTEGER NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    entity     TEXT NOT NULL CHECK (entity IN ('paywall', 'campaign')),
    ref        TEXT NOT NULL,
    version    INTEGER NOT NULL,
    saved_at   TEXT NOT NULL,
    user_email TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL,
    UNIQUE (app_id, entity, ref, version)
);

-- The current version of every existing paywall and campaign, so that no history starts empty.
INSERT INTO entity_versions (app_id, entity, ref, version, saved_at, user_email, body)
SELECT w.app_id, 'paywall', w.ref, w.version, w.updated_at, w.updated_by, json_object(
    'ref', w.ref,
    'name', w.name,
    'template', w.template,
    'default_locale', w.default_locale,
    'theme', json_object('accent', w.accent, 'background', w.background, 'text', w.text_color),
    'hero_image', coalesce(w.hero_image, ''),
    'copy', json((SELECT json_group_array(json_object('locale', c.locale, 'title', c.title, 'subtitle', c.subtitle,
        'body', c.body, 'cta', c.cta, 'footer', c.footer) ORDER BY c.locale) FROM paywall_copy c WHERE c.paywall_id = w.id)),
    'products', json((SELECT json_group_array(json_object('platform', pl.ref, 'sku', pr.sku, 'badge', pp.badge,
        'highlighted', json(CASE WHEN pp.highlighted THEN 'true' ELSE 'false' END)) ORDER BY pp.position)
        FROM paywall_products pp JOIN products pr ON pr.id = pp.product_id JOIN app_platforms pl ON pl.id = pr.platform_id
        WHERE pp.paywall_id = w.id)))
FROM paywalls w ORDER BY w.id;

INSERT INTO entity_versions (app_id, entity, ref, version, saved_at, user_email, body)
SELECT c.app_id, 'campaign', c.ref, c.version, c.updated_at, '', json_object(
    'ref', c.ref,
    'name', c.name,
    'label', c.label,
    'status', c.status,
    'priority', c.priority,
    'starts_at', c.starts_at,
    'ends_at', c.ends_at,
    'holdout_percent', c.holdout_percent,
    'audience', json(c.audience),
    'variants', json((SELECT json_group_array(json_object('ref', v.ref, 'paywall', w.ref, 'weight', v.weight) ORDER BY v.position)
        FROM campaign_variants v JOIN paywalls w ON w.id = v.paywall_id WHERE v.campaign_id = c.id)))
FROM campaigns c ORDER BY c.id;
