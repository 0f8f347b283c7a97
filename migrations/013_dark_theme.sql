-- A paywall's palette for a dark appearance, beside its light one (accent, background, text_color).
-- All three are NULL when the paywall has none; then every appearance shows the light palette.
ALTER TABLE paywalls ADD COLUMN dark_accent TEXT;
ALTER TABLE paywalls ADD COLUMN dark_background TEXT;
ALTER TABLE paywalls ADD COLUMN dark_text_color TEXT;
