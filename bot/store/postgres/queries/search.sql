-- Full-text search, and search queries kept under a short key (see migration 0002).
--
-- Member text arrives as plain words (PostgresDialect.search_terms); plainto_tsquery in
-- the 'simple' configuration (no stemming, no stop words: reactions come in many
-- languages) asks for every one of them. A match is shown when a global article or one of
-- the guild's own quotes it and the guild has not hidden it. Matches are counted only up
-- to :cap (the caller asks for one more than it shows, so reaching :cap means "more than
-- that"); past it they are shown newest first.
--
-- Listing :cap visible matches costs, for words held together by a share p of the
-- reactions, either a walk of the newest reactions until :cap of them match (about
-- :cap / p reactions, read in the primary key's order) or the GIN index's posting list of
-- every reaction holding the words: a bitmap index scan reads all of it and sorts the
-- pages it names before its first row comes out (EXPLAIN ANALYZE at 1M: 7 ms for a word in
-- 5%, 14 ms before the first row). Measured at 1M, the walk is the cheaper from about 3%
-- (a word in 5%: 8 ms, the index 18-20), the index below it (a word in 1.8%: 10 ms, the
-- walk 26). The planner prices an entry of a posting list far below a walked row and
-- took the index up to words in 5-6% (raising cpu_index_tuple_cost to 0.02 for searches
-- only moved that line to about 6%), so the caller picks the way, from the shares in the
-- table's statistics (search_shares), which it reads once in a while. A wrong share
-- costs time, never changes what is found.
--
-- A match is a spoiler as a page's reaction is (reading.sql).

-- name: plan_search_for_its_words!
-- Run first in a search's transaction. A prepared statement's plan is otherwise cached
-- after five runs as a generic one, blind to the words and to which way visible_matches
-- lists them (plan_cache_mode, "Query Planning" in the PostgreSQL docs). A search's work
-- is bounded by SEARCH_CAP, so parallel workers only add their start-up, and so does JIT
-- compilation ("for short queries the added overhead of performing JIT compilation will
-- often be higher than the time it can save", "When to JIT?" in the docs): a walk whose
-- plan costs past jit_above_cost spent 8 ms compiling, for 12 ms of work.
SELECT set_config('plan_cache_mode', 'force_custom_plan', true),
       set_config('max_parallel_workers_per_gather', '0', true),
       set_config('jit', 'off', true);

-- name: search_shares
-- The share of reactions holding each of the most common words (kind 'search') and
-- posted on each platform (kind 'platform'), with the number of reactions, as ANALYZE
-- last sampled them ("pg_stats" in the PostgreSQL docs): most_common_elem_freqs is "the
-- fraction of rows containing at least one instance" of each of most_common_elems, then
-- two or three summary values with no word; most_common_freqs, that of each of
-- most_common_vals. No rows before the first ANALYZE (autovacuum runs it as the table
-- grows).
SELECT s.attname::text AS kind, e.value, e.share, c.reltuples AS reactions
FROM pg_class AS c
JOIN pg_namespace AS n ON n.oid = c.relnamespace
JOIN pg_stats AS s ON s.schemaname = n.nspname AND s.tablename = c.relname
CROSS JOIN LATERAL unnest(
    (CASE s.attname WHEN 'search' THEN s.most_common_elems::text
                    ELSE s.most_common_vals::text END)::text[],
    CASE s.attname WHEN 'search' THEN s.most_common_elem_freqs ELSE s.most_common_freqs END
) AS e (value, share)
WHERE c.oid = 'reactions'::regclass
  AND s.attname IN ('search', 'platform')
  AND e.value IS NOT NULL;

-- name: visible_matches
-- The ids of the visible matches, at most :cap of them, found one of two ways (the other
-- way's branch is planned away, :walk being known):
-- - :walk set: the newest :walk reactions, newest first, until :cap of them match. They
--   are a subquery no condition can enter (it would change which rows its LIMIT keeps),
--   so they are read from the primary key whatever the planner makes of the words (given
--   an id range instead, it sometimes read the GIN index and sorted every match in the
--   range). The caller uses a walk only when it reaches :cap, else lists through the index.
-- - :walk null: the GIN index finds the reactions holding the :indexed words, and the
--   :rechecked ones (held by most reactions: their posting lists cost more to read than
--   the rows they rule out) are checked on each row found. IS TRUE keeps them out of the
--   index condition: an index serves only a comparison of the indexed column by one of
--   its operators ("Index Types" in the docs). The clause names the rechecked words
--   alone: naming every word again made the planner count the indexed ones twice, expect
--   2 rows and loop over reaction_state for each (35 ms, not 9). LIMIT alone lets the
--   scan stop after :cap. ts_rank scores each match as it is found, reading no other
--   reaction (unlike SQLite's bm25), so no word is too common to weigh.
-- Best first, for rank_matches to page (the walk's are not scored: it is used past :cap,
-- where the newest come first). global_sources counts the global articles quoting a
-- reaction (migration 0001's trigger): checked first, it spares nearly every match a
-- look-up in article_reactions (~2.5 ms for 1,001). That look-up is a scalar subquery,
-- not EXISTS, which the planner may turn into a hash of all the guild's article_reactions
-- rows, read by a full scan (63 ms at 1M).
-- ranked: up to :cap matches are always ranked.
SELECT m.id, true AS ranked
FROM (
    (
        SELECT r.id, NULL::real AS score
        FROM (
            SELECT r.id, r.platform, r.global_sources, r.search
            FROM reactions AS r
            WHERE :walk::bigint IS NOT NULL
            ORDER BY r.id DESC
            LIMIT :walk
        ) AS r
        WHERE r.search @@ plainto_tsquery('simple', :query::text)
          AND (:platform::text IS NULL OR r.platform = :platform::text)
          AND (r.global_sources > 0 OR (
              SELECT true FROM article_reactions AS e
              WHERE e.reaction_id = r.id AND e.guild_id = :guild LIMIT 1
          ))
          AND NOT EXISTS (
              SELECT 1 FROM reaction_state AS s
              WHERE s.guild_id = :guild AND s.reaction_id = r.id AND s.hidden
          )
        ORDER BY r.id DESC
        LIMIT :cap
    )
    UNION ALL
    (
        SELECT r.id, ts_rank(r.search, plainto_tsquery('simple', :query::text))
        FROM reactions AS r
        WHERE :walk::bigint IS NULL
          AND r.search @@ plainto_tsquery('simple', :indexed::text)
          AND (
              :rechecked::text IS NULL
              OR (r.search @@ plainto_tsquery('simple', :rechecked::text)) IS TRUE
          )
          AND (:platform::text IS NULL OR r.platform = :platform::text)
          AND (r.global_sources > 0 OR (
              SELECT true FROM article_reactions AS e
              WHERE e.reaction_id = r.id AND e.guild_id = :guild LIMIT 1
          ))
          AND NOT EXISTS (
              SELECT 1 FROM reaction_state AS s
              WHERE s.guild_id = :guild AND s.reaction_id = r.id AND s.hidden
          )
        LIMIT :cap
    )
) AS m
ORDER BY m.score DESC NULLS LAST, m.id;

-- name: visible_matches_of_movie
-- One movie's newest visible matches, at most :cap (the planner reads the movie's
-- reactions, or the GIN index for a word rarer than the movie's reactions), best first
-- as visible_matches.
SELECT m.id, true AS ranked
FROM (
    SELECT r.id, ts_rank(r.search, plainto_tsquery('simple', :query::text)) AS score
    FROM reactions AS r
    WHERE r.movie_id = :movie_id
      AND r.search @@ plainto_tsquery('simple', :query::text)
      AND (:platform::text IS NULL OR r.platform = :platform::text)
      AND EXISTS (
          SELECT 1 FROM article_reactions AS e
          WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild)
      )
      AND NOT EXISTS (
          SELECT 1 FROM reaction_state AS s
          WHERE s.guild_id = :guild AND s.reaction_id = r.id AND s.hidden
      )
    ORDER BY r.id DESC
    LIMIT :cap
) AS m
ORDER BY m.score DESC, m.id;

-- name: rank_matches
-- One page of the visible matches (:matches, their ids; at most SEARCH_CAP), best first:
-- the listing ranked them as it found them (ts_rank over every word), so the page is
-- their slice from :offset, read in that order.
SELECT r.id, r.movie_id, r.platform, r.text, r.author_name, r.handle, r.date, r.url,
       EXISTS (
           SELECT 1 FROM article_reactions AS e
           WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild) AND e.spoiler
       ) AS spoiler,
       coalesce(s.featured, false) AS featured,
       false AS hidden
FROM (
    SELECT value, key FROM unnest(:matches::bigint[]) WITH ORDINALITY AS m (value, key)
    ORDER BY key
    LIMIT :limit OFFSET :offset
) AS c
JOIN reactions AS r ON r.id = c.value
LEFT JOIN reaction_state AS s ON s.guild_id = :guild AND s.reaction_id = r.id
ORDER BY c.key;

-- name: reactions_by_ids
-- The reactions of one page (:ids), in its order, with the guild's flags.
SELECT r.id, r.movie_id, r.platform, r.text, r.author_name, r.handle, r.date, r.url,
       EXISTS (
           SELECT 1 FROM article_reactions AS e
           WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild) AND e.spoiler
       ) AS spoiler,
       coalesce(s.featured, false) AS featured,
       false AS hidden
FROM unnest(:ids::bigint[]) WITH ORDINALITY AS c (value, key)
JOIN reactions AS r ON r.id = c.value
LEFT JOIN reaction_state AS s ON s.guild_id = :guild AND s.reaction_id = r.id
ORDER BY c.key;

-- name: search_newest
-- More than SEARCH_CAP visible matches in all movies: one page, newest (highest id)
-- first, nothing scored.
SELECT r.id, r.movie_id, r.platform, r.text, r.author_name, r.handle, r.date, r.url,
       EXISTS (
           SELECT 1 FROM article_reactions AS e
           WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild) AND e.spoiler
       ) AS spoiler,
       coalesce(s.featured, false) AS featured,
       false AS hidden
FROM reactions AS r
LEFT JOIN reaction_state AS s ON s.guild_id = :guild AND s.reaction_id = r.id
WHERE r.search @@ plainto_tsquery('simple', :query::text)
  AND (:platform::text IS NULL OR r.platform = :platform::text)
  AND NOT coalesce(s.hidden, false)
  AND EXISTS (
      SELECT 1 FROM article_reactions AS e
      WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild)
  )
ORDER BY r.id DESC
LIMIT :limit OFFSET :offset;

-- name: upsert_search_query!
INSERT INTO search_queries (key, query, used_at) VALUES (:key, :query, :used_at)
ON CONFLICT (key) DO UPDATE SET used_at = excluded.used_at;

-- name: select_search_query
SELECT query FROM search_queries WHERE key = :key;

-- name: prune_search_queries!
DELETE FROM search_queries WHERE used_at < :before;
