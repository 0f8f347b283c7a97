-- A counter bumped by every change to app_platforms, so the SDK API's poller notices a deleted or
-- re-keyed platform even when row ids are reused (INTEGER PRIMARY KEY without AUTOINCREMENT).
CREATE TABLE platform_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO platform_generation (id, n) VALUES (1, 0);

CREATE TRIGGER app_platforms_generation_insert AFTER INSERT ON app_platforms
BEGIN
    UPDATE platform_generation SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER app_platforms_generation_update AFTER UPDATE ON app_platforms
BEGIN
    UPDATE platform_generation SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER app_platforms_generation_delete AFTER DELETE ON app_platforms
BEGIN
    UPDATE platform_generation SET n = n + 1 WHERE id = 1;
END;
