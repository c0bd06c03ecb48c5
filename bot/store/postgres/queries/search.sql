-- Search queries kept under a short key (see migration 0002).

-- name: upsert_search_query!
INSERT INTO search_queries (key, query, used_at) VALUES (:key, :query, :used_at)
ON CONFLICT (key) DO UPDATE SET used_at = excluded.used_at;

-- name: select_search_query
SELECT query FROM search_queries WHERE key = :key;

-- name: prune_search_queries!
DELETE FROM search_queries WHERE used_at < :before;
