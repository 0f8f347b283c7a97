-- One-time links: invitations to join the team and password resets. The link carries a random
-- 32-byte token; only its SHA-256 (hex) is stored, so a copy of the database opens no account.
-- A link works once (used_at) and until expires_at; rows go with their user.
CREATE TABLE tokens (
    hash       TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('invite', 'reset')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX tokens_user_id ON tokens (user_id);
