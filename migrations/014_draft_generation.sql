-- Every app counts the changes to its drafts, so that "do the drafts differ from the last
-- release?" is a comparison of two numbers rather than a compile and a diff of the whole catalog.
-- The triggers bump apps.draft_generation on every insert, update and delete of a row that the
-- catalog file is made of (including FK cascades), in the transaction of the write, whatever
-- wrote it (web editors, apply, restores, duplicates, declare winner). A release records the
-- generation it was published from; -1 means unknown (releases from before this migration, and
-- republished releases, whose content is an older catalog): then the drafts are compared once
-- and the answer cached by generation (package publish).
ALTER TABLE apps ADD COLUMN draft_generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE releases ADD COLUMN draft_generation INTEGER NOT NULL DEFAULT -1;

CREATE TRIGGER apps_draft_name AFTER UPDATE OF name ON apps
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1 WHERE id = NEW.id;
END;

CREATE TRIGGER app_platforms_draft_insert AFTER INSERT ON app_platforms
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1 WHERE id = NEW.app_id;
END;
CREATE TRIGGER app_platforms_draft_update AFTER UPDATE ON app_platforms
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1 WHERE id IN (OLD.app_id, NEW.app_id);
END;
CREATE TRIGGER app_platforms_draft_delete AFTER DELETE ON app_platforms
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1 WHERE id = OLD.app_id;
END;

CREATE TRIGGER entitlements_draft_insert AFTER INSERT ON entitlements
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1 WHERE id = NEW.app_id;
END;
CREATE TRIGGER entitlements_draft_update AFTER UPDATE ON entitlements
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1 WHERE id IN (OLD.app_id, NEW.app_id);
END;
CREATE TRIGGER entitlements_draft_delete AFTER DELETE ON entitlements
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1 WHERE id = OLD.app_id;
END;

CREATE TRIGGER products_draft_insert AFTER INSERT ON products
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1
        WHERE id = (SELECT app_id FROM app_platforms WHERE id = NEW.platform_id);
END;
CREATE TRIGGER products_draft_update AFTER UPDATE ON products
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1
        WHERE id IN (SELECT app_id FROM app_platforms WHERE id IN (OLD.platform_id, NEW.platform_id));
END;
CREATE TRIGGER products_draft_delete AFTER DELETE ON products
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1
        WHERE id = (SELECT app_id FROM app_platforms WHERE id = OLD.platform_id);
END;

CREATE TRIGGER product_entitlements_draft_insert AFTER INSERT ON product_entitlements
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1
        WHERE id = (SELECT e.app_id FROM entitlements e WHERE e.id = NEW.entitlement_id);
END;
CREATE TRIGGER product_entitlements_draft_update AFTER UPDATE ON product_entitlements
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1
        WHERE id IN (SELECT e.app_id FROM entitlements e WHERE e.id IN (OLD.entitlement_id, NEW.entitlement_id));
END;
CREATE TRIGGER product_entitlements_draft_delete AFTER DELETE ON product_entitlements
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1
        WHERE id = (SELECT e.app_id FROM entitlements e WHERE e.id = OLD.entitlement_id);
END;

CREATE TRIGGER paywalls_draft_insert AFTER INSERT ON paywalls
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1 WHERE id = NEW.app_id;
END;
CREATE TRIGGER paywalls_draft_update AFTER UPDATE ON paywalls
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1 WHERE id IN (OLD.app_id, NEW.app_id);
END;
CREATE TRIGGER paywalls_draft_delete AFTER DELETE ON paywalls
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1 WHERE id = OLD.app_id;
END;

CREATE TRIGGER paywall_copy_draft_insert AFTER INSERT ON paywall_copy
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1
        WHERE id = (SELECT app_id FROM paywalls WHERE id = NEW.paywall_id);
END;
CREATE TRIGGER paywall_copy_draft_update AFTER UPDATE ON paywall_copy
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1
        WHERE id IN (SELECT app_id FROM paywalls WHERE id IN (OLD.paywall_id, NEW.paywall_id));
END;
CREATE TRIGGER paywall_copy_draft_delete AFTER DELETE ON paywall_copy
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1
        WHERE id = (SELECT app_id FROM paywalls WHERE id = OLD.paywall_id);
END;

CREATE TRIGGER paywall_products_draft_insert AFTER INSERT ON paywall_products
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1
        WHERE id = (SELECT app_id FROM paywalls WHERE id = NEW.paywall_id);
END;
CREATE TRIGGER paywall_products_draft_update AFTER UPDATE ON paywall_products
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1
        WHERE id IN (SELECT app_id FROM paywalls WHERE id IN (OLD.paywall_id, NEW.paywall_id));
END;
CREATE TRIGGER paywall_products_draft_delete AFTER DELETE ON paywall_products
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1
        WHERE id = (SELECT app_id FROM paywalls WHERE id = OLD.paywall_id);
END;

CREATE TRIGGER campaigns_draft_insert AFTER INSERT ON campaigns
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1 WHERE id = NEW.app_id;
END;
CREATE TRIGGER campaigns_draft_update AFTER UPDATE ON campaigns
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1 WHERE id IN (OLD.app_id, NEW.app_id);
END;
CREATE TRIGGER campaigns_draft_delete AFTER DELETE ON campaigns
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1 WHERE id = OLD.app_id;
END;

CREATE TRIGGER campaign_variants_draft_insert AFTER INSERT ON campaign_variants
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1
        WHERE id = (SELECT app_id FROM campaigns WHERE id = NEW.campaign_id);
END;
CREATE TRIGGER campaign_variants_draft_update AFTER UPDATE ON campaign_variants
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1
        WHERE id IN (SELECT app_id FROM campaigns WHERE id IN (OLD.campaign_id, NEW.campaign_id));
END;
CREATE TRIGGER campaign_variants_draft_delete AFTER DELETE ON campaign_variants
BEGIN
    UPDATE apps SET draft_generation = draft_generation + 1
        WHERE id = (SELECT app_id FROM campaigns WHERE id = OLD.campaign_id);
END;
