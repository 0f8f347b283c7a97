-- Each snapshot's gzip form and ETag, compiled at publish time so a server loads them as they are,
-- and which release a republished release copied.
ALTER TABLE snapshots ADD COLUMN gzip BLOB NOT NULL DEFAULT x'';
ALTER TABLE snapshots ADD COLUMN etag TEXT NOT NULL DEFAULT '';
ALTER TABLE releases ADD COLUMN republished_from INTEGER NOT NULL DEFAULT 0;
