-- The sessions table now keeps only the SHA-256 (hex) of each session id; the cookie carries the
-- id itself. SQLite has no SHA-256 function to convert the existing rows in SQL, so they are
-- deleted: everyone who was signed in signs in again once after the upgrade.
DELETE FROM sessions;
