-- Full-text search, and search queries kept under a short key (see migration 0006).
--
-- Member text arrives as quoted FTS5 strings (SQLiteDialect.search_terms), every word
-- required. A match is shown when a global article or one of the guild's own quotes it
-- and the guild has not hidden it. Matches are counted only up to :cap (the caller asks
-- for one more than it shows, so reaching :cap means "more than that"); past it they are
-- shown newest first.
--
-- Searching every movie, reactions_fts is the outer loop and every other table is read in
-- a subquery, so FTS5 hands over matches in rowid order and LIMIT stops the walk: a word
-- most reactions hold costs :cap matches, not all of them (one movie's search starts from
-- the movie's reactions instead). A page's columns are read for its rows alone.
-- A search lists its visible matches (visible_matches, or visible_matches_of_movie);
-- past SEARCH_CAP it shows the newest (search_newest; one movie's: reactions_by_ids on
-- its list), else it ranks the listed ones (rank_matches) or, when every word is
-- common, shows the newest of them (reactions_by_ids).
--
-- Up to :cap matches are ranked only when the query has a rare word: one of :terms
-- (JSON) with fewer than :common matches, found by asking for the :common-th (a walk of
-- :common entries, not a count of them all). bm25 weighs a word by walking every reaction
-- that holds it (FTS5's xQueryPhrase: the most frequent word of 1M reactions costs
-- ~30 ms), and the ranking walks the ranking words' reactions again to keep the listed
-- ones, so only rare words can rank cheaply. When every word is common, the matches come
-- newest first, as past :cap (two words in 30,000-80,000 reactions each that share under
-- 1,000: ranking them cost 14 ms of a 25 ms search at 1M).
--
-- A match is a spoiler as a page's reaction is (reading.sql).

-- name: plan_search_for_its_words!
-- PostgreSQL's statement sets how a search is planned; SQLite plans a statement without
-- looking at the values bound to it, so there is nothing to set here.
SELECT 1;

-- name: search_shares
-- The share of reactions holding each common word or posted on each platform, for
-- PostgreSQL's choice of how to list matches. SQLite keeps no such statistics and needs
-- none (FTS5 hands matches over in rowid order and LIMIT stops the walk, whatever the
-- words): no rows.
SELECT NULL AS kind, NULL AS value, NULL AS share, NULL AS reactions WHERE 0;

-- name: visible_matches
-- The ids of the visible matches, at most :cap of them, in FTS5's own (ascending) order:
-- it finds the rows holding every word fastest that way (measured: 3 ms, not 12, for two
-- words in 30,000-40,000 reactions each). search_newest walks them the other way.
-- ranked: whether the query has a rare word (see the top of this file; the subquery
-- names no outer column, so it runs once).
SELECT f.rowid AS id,
       EXISTS (
           SELECT 1 FROM json_each(:terms) AS w
           WHERE (
               SELECT rowid FROM reactions_fts WHERE reactions_fts MATCH w.value
               LIMIT 1 OFFSET :common - 1
           ) IS NULL
       ) AS ranked
FROM reactions_fts AS f
WHERE reactions_fts MATCH :query
  AND (:platform IS NULL OR EXISTS (
      SELECT 1 FROM reactions AS r WHERE r.id = f.rowid AND r.platform = :platform
  ))
  AND EXISTS (
      SELECT 1 FROM article_reactions AS e
      WHERE e.reaction_id = f.rowid AND e.guild_id IN (0, :guild)
  )
  AND NOT EXISTS (
      SELECT 1 FROM reaction_state AS s
      WHERE s.guild_id = :guild AND s.reaction_id = f.rowid AND s.hidden = 1
  )
LIMIT :cap;

-- name: visible_matches_of_movie
-- One movie's visible matches, newest first, at most :cap: read from the movie's own
-- reactions, each looked up in FTS5 by its rowid, so a word most reactions hold costs
-- the movie's reactions, not every reaction holding the word. ranked: as visible_matches.
SELECT r.id,
       EXISTS (
           SELECT 1 FROM json_each(:terms) AS w
           WHERE (
               SELECT rowid FROM reactions_fts WHERE reactions_fts MATCH w.value
               LIMIT 1 OFFSET :common - 1
           ) IS NULL
       ) AS ranked
FROM reactions AS r
CROSS JOIN reactions_fts AS f ON f.rowid = r.id
WHERE r.movie_id = :movie_id
  AND reactions_fts MATCH :query
  AND (:platform IS NULL OR r.platform = :platform)
  AND EXISTS (
      SELECT 1 FROM article_reactions AS e
      WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild)
  )
  AND NOT EXISTS (
      SELECT 1 FROM reaction_state AS s
      WHERE s.guild_id = :guild AND s.reaction_id = r.id AND s.hidden = 1
  )
ORDER BY r.id DESC
LIMIT :cap;

-- name: rank_matches
-- One page of the visible matches (:matches, their ids as JSON; at most SEARCH_CAP), best
-- first by bm25 over the rare words of :terms (JSON): those with fewer than :common
-- matches (the caller ranks only a query that has one). Every word is still required:
-- :matches hold them all. bm25 is scored in the select list, so only the listed matches
-- are scored, and the unary + keeps the id list out of the FTS5 look-up: the list is read
-- once, not looked up one id at a time.
WITH rare (term) AS (
    SELECT value FROM json_each(:terms) AS w
    WHERE (
        SELECT rowid FROM reactions_fts WHERE reactions_fts MATCH w.value
        LIMIT 1 OFFSET :common - 1
    ) IS NULL
),
found (id, score) AS (
    SELECT f.rowid, bm25(reactions_fts)
    FROM reactions_fts AS f
    WHERE reactions_fts MATCH (SELECT group_concat(term, ' ') FROM rare)
      AND +f.rowid IN (SELECT value FROM json_each(:matches))
    ORDER BY 2, 1
    LIMIT :limit OFFSET :offset
)
SELECT r.id, r.movie_id, r.platform, r.text, r.author_name, r.handle, r.date, r.url,
       EXISTS (
           SELECT 1 FROM article_reactions AS e
           WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild) AND e.spoiler = 1
       ) AS spoiler,
       coalesce(s.featured, 0) AS featured,
       0 AS hidden
FROM found
CROSS JOIN reactions AS r ON r.id = found.id
LEFT JOIN reaction_state AS s ON s.guild_id = :guild AND s.reaction_id = r.id
ORDER BY found.score, found.id;

-- name: reactions_by_ids
-- The reactions of one page (:ids, JSON), in its order, with the guild's flags.
SELECT r.id, r.movie_id, r.platform, r.text, r.author_name, r.handle, r.date, r.url,
       EXISTS (
           SELECT 1 FROM article_reactions AS e
           WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild) AND e.spoiler = 1
       ) AS spoiler,
       coalesce(s.featured, 0) AS featured,
       0 AS hidden
FROM json_each(:ids) AS c
CROSS JOIN reactions AS r ON r.id = c.value
LEFT JOIN reaction_state AS s ON s.guild_id = :guild AND s.reaction_id = r.id
ORDER BY c.key;

-- name: search_newest
-- More than SEARCH_CAP visible matches in all movies: one page, newest (highest id)
-- first, read in the index's own order, so nothing is scored or sorted and the walk stops
-- after the page.
WITH found (id) AS (
    SELECT f.rowid
    FROM reactions_fts AS f
    WHERE reactions_fts MATCH :query
      AND (:platform IS NULL OR EXISTS (
          SELECT 1 FROM reactions AS r WHERE r.id = f.rowid AND r.platform = :platform
      ))
      AND EXISTS (
          SELECT 1 FROM article_reactions AS e
          WHERE e.reaction_id = f.rowid AND e.guild_id IN (0, :guild)
      )
      AND NOT EXISTS (
          SELECT 1 FROM reaction_state AS s
          WHERE s.guild_id = :guild AND s.reaction_id = f.rowid AND s.hidden = 1
      )
    ORDER BY f.rowid DESC
    LIMIT :limit OFFSET :offset
)
SELECT r.id, r.movie_id, r.platform, r.text, r.author_name, r.handle, r.date, r.url,
       EXISTS (
           SELECT 1 FROM article_reactions AS e
           WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild) AND e.spoiler = 1
       ) AS spoiler,
       coalesce(s.featured, 0) AS featured,
       0 AS hidden
FROM found
CROSS JOIN reactions AS r ON r.id = found.id
LEFT JOIN reaction_state AS s ON s.guild_id = :guild AND s.reaction_id = r.id
ORDER BY found.id DESC;

-- name: upsert_search_query!
INSERT INTO search_queries (key, query, used_at) VALUES (:key, :query, :used_at)
ON CONFLICT (key) DO UPDATE SET used_at = excluded.used_at;

-- name: select_search_query
SELECT query FROM search_queries WHERE key = :key;

-- name: prune_search_queries!
DELETE FROM search_queries WHERE used_at < :before;
