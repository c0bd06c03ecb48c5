-- Full-text search, and search queries kept under a short key (see migration 0002).
--
-- Member text arrives as plain words (PostgresDialect.search_terms); plainto_tsquery in
-- the 'simple' configuration (no stemming, no stop words: reactions come in many
-- languages) asks for every one of them. A match is shown when a global article or one of
-- the guild's own quotes it and the guild has not hidden it. Matches are counted only up
-- to :cap (the caller asks for one more than it shows, so reaching :cap means "more than
-- that"); past it they are shown newest first. LIMIT lets the planner stop early: for a
-- word most reactions hold it walks the table or its primary key and stops after :cap
-- matches, for a rarer one it reads the GIN index. Which is cheaper depends on the words,
-- so the planner must see them each time:

-- name: plan_search_for_its_words!
-- Run first in a search's transaction. A prepared statement's plan is otherwise cached
-- after five runs as a generic one, blind to the words: a backward walk of the primary
-- key for a word few reactions hold reads the whole table (measured: 0.4 s at 1M). A
-- search's work is bounded by SEARCH_CAP, so parallel workers only add their start-up.
-- cpu_index_tuple_cost ("the cost of processing each index entry", 0.005 by default) is
-- raised for the search: a GIN bitmap scan handles every entry of a word's posting list
-- (decoded, put in the bitmap, its pages sorted), a walk of the primary key only as many
-- as it reads before :cap matches. At the default the planner chose the bitmap for words
-- in 6% of 1M reactions (26-45 ms to list 1,001; the walk: 11-17 ms); at 0.02 it walks
-- for those and keeps the bitmap for words in 2% (10-15 ms; the walk: 42 ms) and fewer.
SELECT set_config('plan_cache_mode', 'force_custom_plan', true),
       set_config('max_parallel_workers_per_gather', '0', true),
       set_config('cpu_index_tuple_cost', '0.02', true);

-- name: visible_matches
-- The ids of the visible matches, at most :cap of them, best first: LIMIT alone lets the
-- planner stop after :cap, which ordering them before it would not (search_newest
-- orders), so the :cap found are ranked after it. ts_rank scores each match as it is
-- found, reading no other reaction (unlike SQLite's bm25), so no word is too common to
-- weigh, and rank_matches pages them without reading them again.
-- ranked: up to :cap matches are always ranked (here).
SELECT m.id, true AS ranked
FROM (
    SELECT r.id, ts_rank(r.search, plainto_tsquery('simple', :query::text)) AS score
    FROM reactions AS r
    WHERE r.search @@ plainto_tsquery('simple', :query::text)
      AND (:platform::text IS NULL OR r.platform = :platform::text)
      AND EXISTS (
          SELECT 1 FROM article_reactions AS e
          WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild)
      )
      AND NOT EXISTS (
          SELECT 1 FROM reaction_state AS s
          WHERE s.guild_id = :guild AND s.reaction_id = r.id AND s.hidden
      )
    LIMIT :cap
) AS m
ORDER BY m.score DESC, m.id;

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
           SELECT 1 FROM article_reactions AS e JOIN articles AS a ON a.id = e.article_id
           WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild) AND a.spoiler
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
           SELECT 1 FROM article_reactions AS e JOIN articles AS a ON a.id = e.article_id
           WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild) AND a.spoiler
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
           SELECT 1 FROM article_reactions AS e JOIN articles AS a ON a.id = e.article_id
           WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild) AND a.spoiler
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
