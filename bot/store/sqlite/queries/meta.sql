-- The bot's stored facts and row counts.
-- Named parameters throughout; ``:guild`` is a guild id, or 0 for "no guild", so
-- ``guild_id IN (0, :guild)`` reads "global, or this guild's".

-- name: select_meta
SELECT value FROM bot_meta WHERE key = :key;

-- name: upsert_meta!
INSERT INTO bot_meta (key, value) VALUES (:key, :value)
ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- name: counts
SELECT (SELECT count(*) FROM movies),
       (SELECT count(*) FROM articles),
       (SELECT count(*) FROM reactions);
