-- Reading reactions: pages, random picks and stats (search is in search.sql).
-- Named parameters throughout; ``:guild`` is a guild id, or 0 for "no guild", so
-- ``guild_id IN (0, :guild)`` reads "global, or this guild's".
--
-- CROSS JOIN fixes SQLite's join order (https://sqlite.org/optoverview.html#crossjoin):
-- these plans must start from the small side whatever ANALYZE statistics say.
--
-- A reaction is a spoiler for a guild when an article the guild sees quoting it is marked
-- spoiler: each link carries its article's flag (migration 0010), so that is a seek for
-- guild 0 and one for the guild in the small index article_reactions_spoiler (the
-- links marked spoiler only), with no read of articles.
--
-- Paging is split in two so that neither part sorts the movie's reactions:
-- - the guild's featured reactions (a handful a moderator picked), ordered in full;
-- - the rest, walked in (article, position) order along article_reactions_movie, keeping
--   each post only at its earliest visible link; LIMIT stops the walk after one page.
-- A link is visible in a guild when its article is global (0) or the guild's own.
--
-- Reactions a guild sees before its own hiding, each once: those a global article quotes
-- (the partial index reactions_movie_global), and those only the guild's articles quote.
-- Written out in each statement that needs it: SQL is never assembled at run time.

-- name: reaction_page
-- One page of a movie as a guild sees it, in one statement (its own snapshot): the movie
-- under the guild's title, the guild's settings, the total, and the page's reactions,
-- one row each, after a header that is there even when the page is empty (the reaction
-- columns are then NULL; the movie's are NULL when no movie is found). The page is
-- :offset/:limit, or with both NULL page :page of the guild's page size (:default_size
-- when it set none).
-- Every term reads an index range of the movie (or of the guild's rows of the movie in
-- reaction_state_movie), so the cost follows the movie and the page, not the collection.
-- `featured` keeps each featured post at its first visible link; ``ar.position`` is a
-- bare column beside the single min() aggregate, so SQLite takes it from the row holding
-- that minimum (https://sqlite.org/lang_select.html#bareagg).
WITH
-- The movie: :movie_id, or when it is NULL the one :slug names in the guild, found as
-- find_movie (movies.sql) finds it, so that a name costs no statement of its own (issue
-- 15). Each (SELECT id FROM target) below is computed once.
target (id) AS (
    SELECT :movie_id WHERE :movie_id IS NOT NULL
    UNION ALL
    SELECT * FROM (
        SELECT found.id
        FROM (
            SELECT m.id AS id, 0 AS rank FROM movies AS m WHERE m.slug = :slug
            UNION ALL
            SELECT n.movie_id, CASE WHEN n.current = 1 THEN 1 ELSE 3 END
            FROM movie_titles AS n
            WHERE n.guild_id = :guild AND n.title_slug = :slug
            UNION ALL
            SELECT a.movie_id, CASE WHEN a.guild_id = 0 THEN 4 ELSE 2 END
            FROM movie_aliases AS a
            WHERE a.alias_slug = :slug AND a.guild_id IN (0, :guild)
        ) AS found
        WHERE EXISTS (
            SELECT 1 FROM articles AS v
            WHERE v.movie_id = found.id AND v.guild_id IN (0, :guild)
        )
        ORDER BY found.rank
        LIMIT 1
    )
    WHERE :movie_id IS NULL
),
header AS (
    SELECT coalesce(:limit, g.page_size, :default_size) AS size,
           coalesce(:offset, (:page - 1) * coalesce(:limit, g.page_size, :default_size)) AS skip,
           g.guild_id IS NOT NULL AS has_settings, g.mod_role_id, g.spoiler_mode, g.page_size,
           m.id AS movie_id, coalesce(t.title, m.title) AS title, m.slug,
           (SELECT json_group_array(alias) FROM (
                SELECT alias FROM movie_aliases
                WHERE movie_id = (SELECT id FROM target) AND guild_id IN (0, :guild)
                ORDER BY id
            )) AS aliases
    FROM (SELECT 1) AS one
    LEFT JOIN guild_settings AS g ON g.guild_id = :guild
    LEFT JOIN movies AS m ON m.id = (SELECT id FROM target)
    LEFT JOIN movie_titles AS t ON t.guild_id = :guild AND t.movie_id = m.id AND t.current = 1
),
featured (id, first_article, first_position) AS (
    SELECT s.reaction_id, min(ar.article_id), ar.position
    FROM reaction_state AS s
    CROSS JOIN article_reactions AS ar ON ar.reaction_id = s.reaction_id
    WHERE s.guild_id = :guild AND s.movie_id = (SELECT id FROM target)
      AND s.featured = 1 AND s.hidden = 0
      AND ar.guild_id IN (0, :guild)
    GROUP BY s.reaction_id
),
-- Visible reactions of the movie = those a global article quotes (movies.global_reactions,
-- kept by triggers) + those only the guild's own articles quote (articles_guild_movie: the
-- redundant ``a.guild_id <> 0`` is the partial index's own term, which lets SQLite use it,
-- https://sqlite.org/partialindex.html#queries_using_partial_indexes) - those it hid.
counts (total, featured) AS (
    SELECT
        (SELECT m.global_reactions FROM movies AS m WHERE m.id = (SELECT id FROM target))
      + (SELECT count(DISTINCT ar.reaction_id)
         FROM articles AS a
         CROSS JOIN article_reactions AS ar ON ar.article_id = a.id
         CROSS JOIN reactions AS r ON r.id = ar.reaction_id
         WHERE a.guild_id = :guild AND a.guild_id <> 0 AND a.movie_id = (SELECT id FROM target)
           AND r.global_sources = 0)
      - (SELECT count(*)
         FROM reaction_state AS s
         CROSS JOIN reactions AS r ON r.id = s.reaction_id
         WHERE s.guild_id = :guild AND s.movie_id = (SELECT id FROM target) AND s.hidden = 1
           AND (r.global_sources > 0 OR EXISTS (
               SELECT 1 FROM article_reactions AS e
               WHERE e.reaction_id = r.id AND e.guild_id = :guild
           ))),
        (SELECT count(*) FROM featured)
),
-- The featured reactions first (a handful, ordered in full), then the rest walked in
-- (article, position) order along article_reactions_movie, each post kept at its earliest
-- visible link; LIMIT stops the walk after the page.
page (part, id, article_id, position) AS (
    SELECT * FROM (
        SELECT 0, f.id, f.first_article, f.first_position FROM featured AS f
        ORDER BY f.first_article, f.first_position
        LIMIT (SELECT size FROM header) OFFSET (SELECT skip FROM header)
    )
    UNION ALL
    SELECT * FROM (
        SELECT 1, ar.reaction_id, ar.article_id, ar.position
        FROM article_reactions AS ar
        WHERE ar.movie_id = (SELECT id FROM target)
          AND ar.guild_id IN (0, :guild)
          AND NOT EXISTS (
              SELECT 1 FROM article_reactions AS e
              WHERE e.reaction_id = ar.reaction_id
                AND e.guild_id IN (0, :guild)
                AND e.article_id < ar.article_id
          )
          AND NOT EXISTS (
              SELECT 1 FROM reaction_state AS s
              WHERE s.guild_id = :guild AND s.reaction_id = ar.reaction_id
                AND (s.hidden = 1 OR s.featured = 1)
          )
        ORDER BY ar.article_id, ar.position
        LIMIT (SELECT max(0, h.size - max(0, min(h.size, c.featured - h.skip)))
               FROM header AS h, counts AS c)
        OFFSET (SELECT max(0, h.skip - c.featured) FROM header AS h, counts AS c)
    )
)
SELECT h.*, c.total,
       r.id, r.platform, r.text, r.author_name, r.handle, r.date, r.url,
       EXISTS (
           SELECT 1 FROM article_reactions AS e
           WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild) AND e.spoiler = 1
       ) AS spoiler,
       p.part = 0 AS featured,
       0 AS hidden
FROM header AS h
CROSS JOIN counts AS c
LEFT JOIN page AS p ON 1
LEFT JOIN reactions AS r ON r.id = p.id
ORDER BY p.part, p.article_id, p.position;

-- name: select_reaction_for_guild
-- One reaction with the guild's flags, hidden or not, if the guild can see a source of it.
SELECT r.id, r.movie_id, r.platform, r.text, r.author_name, r.handle, r.date, r.url,
       EXISTS (
           SELECT 1 FROM article_reactions AS e
           WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild) AND e.spoiler = 1
       ) AS spoiler,
       coalesce(s.featured, 0) AS featured,
       coalesce(s.hidden, 0) AS hidden
FROM reactions AS r
LEFT JOIN reaction_state AS s ON s.guild_id = :guild AND s.reaction_id = r.id
WHERE r.id = :reaction_id
  AND EXISTS (
      SELECT 1 FROM article_reactions AS e
      WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild)
  );

-- name: random_probe
-- Up to RANDOM_PROBES uniformly drawn ids, in one statement: the first that names a
-- visible, unhidden reaction. The first accepted draw is uniform over those reactions.
SELECT r.id
FROM json_each(:candidates) AS c
CROSS JOIN reactions AS r ON r.id = c.value
WHERE r.movie_id BETWEEN :movie_low AND :movie_high
  AND EXISTS (
      SELECT 1 FROM article_reactions AS e
      WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild)
  )
  AND NOT EXISTS (
      SELECT 1 FROM reaction_state AS s
      WHERE s.guild_id = :guild AND s.reaction_id = r.id AND s.hidden = 1
  )
ORDER BY c.key
LIMIT 1;

-- name: reaction_id_range
-- Two subqueries: SQLite answers a lone min() or max() from the end of the rowid B-tree,
-- but min() and max() in one SELECT scan the table (https://sqlite.org/optoverview.html#minmax).
SELECT (SELECT min(id) FROM reactions) AS low, (SELECT max(id) FROM reactions) AS high;

-- name: count_unhidden
WITH candidates (id) AS (
    SELECT r.id FROM reactions AS r
    WHERE r.movie_id BETWEEN :movie_low AND :movie_high AND r.global_sources > 0
    UNION ALL
    SELECT DISTINCT r.id
    FROM articles AS a
    CROSS JOIN article_reactions AS ar ON ar.article_id = a.id
    CROSS JOIN reactions AS r ON r.id = ar.reaction_id
    WHERE :guild <> 0 AND a.guild_id = :guild
      AND a.movie_id BETWEEN :movie_low AND :movie_high
      AND r.global_sources = 0
)
SELECT count(*) FROM candidates AS c
WHERE NOT EXISTS (
    SELECT 1 FROM reaction_state AS s
    WHERE s.guild_id = :guild AND s.reaction_id = c.id AND s.hidden = 1
);

-- name: nth_unhidden
-- The same set as count_unhidden; any order will do, since the offset is drawn uniformly.
WITH candidates (id) AS (
    SELECT r.id FROM reactions AS r
    WHERE r.movie_id BETWEEN :movie_low AND :movie_high AND r.global_sources > 0
    UNION ALL
    SELECT DISTINCT r.id
    FROM articles AS a
    CROSS JOIN article_reactions AS ar ON ar.article_id = a.id
    CROSS JOIN reactions AS r ON r.id = ar.reaction_id
    WHERE :guild <> 0 AND a.guild_id = :guild
      AND a.movie_id BETWEEN :movie_low AND :movie_high
      AND r.global_sources = 0
)
SELECT c.id FROM candidates AS c
WHERE NOT EXISTS (
    SELECT 1 FROM reaction_state AS s
    WHERE s.guild_id = :guild AND s.reaction_id = c.id AND s.hidden = 1
)
LIMIT 1 OFFSET :offset;

-- name: stats_reactions
-- Featured and hidden only count reactions the guild can see; a hidden one is not featured
-- (the page leaves it out), and "movies" are those with a visible reaction, as list_movies.
WITH candidates (id, movie_id) AS (
    SELECT r.id, r.movie_id FROM reactions AS r
    WHERE r.movie_id BETWEEN :movie_low AND :movie_high AND r.global_sources > 0
      AND (:platform IS NULL OR r.platform = :platform)
    UNION ALL
    SELECT DISTINCT r.id, r.movie_id
    FROM articles AS a
    CROSS JOIN article_reactions AS ar ON ar.article_id = a.id
    CROSS JOIN reactions AS r ON r.id = ar.reaction_id
    WHERE :guild <> 0 AND a.guild_id = :guild
      AND a.movie_id BETWEEN :movie_low AND :movie_high
      AND r.global_sources = 0
      AND (:platform IS NULL OR r.platform = :platform)
)
SELECT count(DISTINCT CASE WHEN coalesce(s.hidden, 0) = 0 THEN c.movie_id END) AS movies,
       count(*) - coalesce(sum(s.hidden), 0) AS reactions,
       coalesce(sum(s.featured = 1 AND s.hidden = 0), 0) AS featured,
       coalesce(sum(s.hidden), 0) AS hidden
FROM candidates AS c
LEFT JOIN reaction_state AS s ON s.guild_id = :guild AND s.reaction_id = c.id;

-- name: top_authors
-- Authors are one person per handle (any case), else per name.
WITH candidates (id) AS (
    SELECT r.id FROM reactions AS r
    WHERE r.movie_id BETWEEN :movie_low AND :movie_high AND r.global_sources > 0
      AND (:platform IS NULL OR r.platform = :platform)
    UNION ALL
    SELECT DISTINCT r.id
    FROM articles AS a
    CROSS JOIN article_reactions AS ar ON ar.article_id = a.id
    CROSS JOIN reactions AS r ON r.id = ar.reaction_id
    WHERE :guild <> 0 AND a.guild_id = :guild
      AND a.movie_id BETWEEN :movie_low AND :movie_high
      AND r.global_sources = 0
      AND (:platform IS NULL OR r.platform = :platform)
)
SELECT CASE WHEN nullif(r.handle, '') IS NOT NULL THEN 'h:' || lower(r.handle)
            ELSE 'n:' || r.author_name END AS who,
       max(nullif(r.author_name, '')) AS name,
       max(nullif(r.handle, '')) AS handle,
       count(*) AS quoted
FROM candidates AS c
CROSS JOIN reactions AS r ON r.id = c.id
WHERE (nullif(r.handle, '') IS NOT NULL OR nullif(r.author_name, '') IS NOT NULL)
  AND NOT EXISTS (
      SELECT 1 FROM reaction_state AS s
      WHERE s.guild_id = :guild AND s.reaction_id = c.id AND s.hidden = 1
  )
GROUP BY who
ORDER BY quoted DESC, who
LIMIT :limit;

-- name: count_platform_articles
-- Articles the guild sees that quote at least one post of the platform.
SELECT count(*) FROM articles AS a
WHERE a.guild_id IN (0, :guild) AND a.movie_id BETWEEN :movie_low AND :movie_high
  AND EXISTS (
      SELECT 1 FROM article_reactions AS ar
      CROSS JOIN reactions AS r ON r.id = ar.reaction_id
      WHERE ar.article_id = a.id AND r.platform = :platform
  );
