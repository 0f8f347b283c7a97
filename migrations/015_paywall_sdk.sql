-- Paywalls explicitly marked for SDK use are included in snapshots even when
-- no live campaign of the release shows them; apps open them by ref.
ALTER TABLE paywalls ADD COLUMN sdk INTEGER NOT NULL DEFAULT 0;
