-- The bot's stored facts and row counts.

-- name: select_meta
SELECT value FROM bot_meta WHERE key = :key;

-- name: upsert_meta!
INSERT INTO bot_meta (key, value) VALUES (:key, :value)
ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- name: counts
SELECT (SELECT count(*) FROM movies),
       (SELECT count(*) FROM articles),
       (SELECT count(*) FROM reactions);
