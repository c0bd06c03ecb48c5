-- 0002_bot_meta: small key/value facts the bot keeps about itself (the hash of the
-- slash commands last synced globally, so it syncs only when they change).

CREATE TABLE bot_meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;
