-- Reading reactions: pages, random picks and stats (search is in search.sql).
-- Named parameters throughout; ``:guild`` is a guild id, or 0 for "no guild", so
-- ``guild_id IN (0, :guild)`` reads "global, or this guild's". A parameter compared with
-- nothing but a constant carries a cast, so PostgreSQL does not guess a narrower type.
--
-- Paging is split in two so that neither part sorts the movie's reactions: the guild's
-- featured reactions (a handful), ordered in full; the rest, walked in (article, position)
-- order along article_reactions_movie, each post kept only at its earliest visible link.
--
-- A reaction is a spoiler for a guild when an article the guild sees quoting it is marked
-- spoiler: each link carries its article's flag (migration 0005), so that is a seek for
-- guild 0 and one for the guild in the small index article_reactions_spoiler (the
-- links marked spoiler only), with no read of articles.

-- name: reaction_page
-- One page of a movie as a guild sees it, in one statement (its own snapshot): the movie
-- under the guild's title, the guild's settings, the total, and the page's reactions,
-- one row each, after a header that is there even when the page is empty (the reaction
-- columns are then NULL; the movie's are NULL when no movie is found). The page is
-- :offset/:limit, or with both NULL page :page of the guild's page size (:default_size
-- when it set none).
-- Every term reads an index range of the movie (or of the guild's rows of the movie in
-- reaction_state_movie), so the cost follows the movie and the page, not the collection.
WITH
-- The movie: :movie_id, or when it is NULL the one :slug names in the guild, found as
-- find_movie (movies.sql) finds it, so that a name costs no round trip of its own (issue
-- 15). Each (SELECT id FROM target) below is computed once.
target AS (
    SELECT :movie_id::bigint AS id WHERE :movie_id::bigint IS NOT NULL
    UNION ALL
    (SELECT found.id
     FROM (
         SELECT m.id AS id, 0 AS rank FROM movies AS m WHERE m.slug = :slug::text
         UNION ALL
         SELECT n.movie_id, CASE WHEN n.current THEN 1 ELSE 3 END
         FROM movie_titles AS n
         WHERE n.guild_id = :guild AND n.title_slug = :slug::text
         UNION ALL
         SELECT a.movie_id, CASE WHEN a.guild_id = 0 THEN 4 ELSE 2 END
         FROM movie_aliases AS a
         WHERE a.alias_slug = :slug::text AND a.guild_id IN (0, :guild)
     ) AS found
     WHERE :movie_id::bigint IS NULL
       AND EXISTS (
           SELECT 1 FROM articles AS v
           WHERE v.movie_id = found.id AND v.guild_id IN (0, :guild)
       )
     ORDER BY found.rank
     LIMIT 1)
),
header AS (
    SELECT coalesce(:limit::integer, g.page_size, :default_size::integer) AS size,
           coalesce(:offset::integer, (:page::integer - 1)
                    * coalesce(:limit::integer, g.page_size, :default_size::integer)) AS skip,
           g.guild_id IS NOT NULL AS has_settings, g.mod_role_id, g.spoiler_mode, g.page_size,
           m.id AS movie_id, coalesce(t.title, m.title) AS title, m.slug,
           (SELECT coalesce(json_agg(x.alias ORDER BY x.id), '[]')::text
            FROM movie_aliases AS x
            WHERE x.movie_id = (SELECT id FROM target)
              AND x.guild_id IN (0, :guild)) AS aliases
    FROM (SELECT 1) AS one
    LEFT JOIN guild_settings AS g ON g.guild_id = :guild
    LEFT JOIN movies AS m ON m.id = (SELECT id FROM target)
    LEFT JOIN movie_titles AS t ON t.guild_id = :guild AND t.movie_id = m.id AND t.current
),
-- Each featured post at its first visible link.
featured AS (
    SELECT DISTINCT ON (s.reaction_id) s.reaction_id AS id, ar.article_id, ar.position
    FROM reaction_state AS s
    JOIN article_reactions AS ar ON ar.reaction_id = s.reaction_id
    WHERE s.guild_id = :guild AND s.movie_id = (SELECT id FROM target)
      AND s.featured AND NOT s.hidden AND ar.guild_id IN (0, :guild)
    ORDER BY s.reaction_id, ar.article_id, ar.position
),
-- Visible reactions of the movie = those a global article quotes (reactions_movie_global)
-- + those only the guild's own articles quote - those the guild hid.
counts AS (
    SELECT
        (SELECT count(*) FROM reactions AS r
         WHERE r.movie_id = (SELECT id FROM target) AND r.global_sources > 0)
      + (SELECT count(DISTINCT ar.reaction_id)
         FROM articles AS a
         JOIN article_reactions AS ar ON ar.article_id = a.id
         JOIN reactions AS r ON r.id = ar.reaction_id
         WHERE :guild::bigint <> 0 AND a.movie_id = (SELECT id FROM target)
           AND a.guild_id = :guild
           AND r.global_sources = 0)
      - (SELECT count(*)
         FROM reaction_state AS s
         JOIN reactions AS r ON r.id = s.reaction_id
         WHERE s.guild_id = :guild AND s.movie_id = (SELECT id FROM target) AND s.hidden
           AND (r.global_sources > 0 OR EXISTS (
               SELECT 1 FROM article_reactions AS e
               WHERE e.reaction_id = r.id AND e.guild_id = :guild
           ))) AS total,
        (SELECT count(*) FROM featured) AS featured
),
-- The featured reactions first (a handful, ordered in full), then the rest walked in
-- (article, position) order along article_reactions_movie, each post kept at its earliest
-- visible link; LIMIT stops the walk after the page.
page AS (
    (SELECT 0 AS part, f.id, f.article_id, f.position FROM featured AS f
     ORDER BY f.article_id, f.position
     LIMIT (SELECT size FROM header) OFFSET (SELECT skip FROM header))
    UNION ALL
    (SELECT 1, ar.reaction_id, ar.article_id, ar.position
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
             AND (s.hidden OR s.featured)
       )
     ORDER BY ar.article_id, ar.position
     LIMIT (SELECT greatest(0, h.size - greatest(0, least(h.size, c.featured - h.skip)))
            FROM header AS h, counts AS c)
     OFFSET (SELECT greatest(0, h.skip - c.featured) FROM header AS h, counts AS c))
)
SELECT h.*, c.total,
       r.id, r.platform, r.text, r.author_name, r.handle, r.date, r.url,
       EXISTS (
           SELECT 1 FROM article_reactions AS e
           WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild) AND e.spoiler
       ) AS spoiler,
       p.part = 0 AS featured,
       false AS hidden
FROM header AS h
CROSS JOIN counts AS c
LEFT JOIN page AS p ON true
LEFT JOIN reactions AS r ON r.id = p.id
ORDER BY p.part, p.article_id, p.position;

-- name: select_reaction_for_guild
-- One reaction with the guild's flags, hidden or not, if the guild can see a source of it.
SELECT r.id, r.movie_id, r.platform, r.text, r.author_name, r.handle, r.date, r.url,
       EXISTS (
           SELECT 1 FROM article_reactions AS e
           WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild) AND e.spoiler
       ) AS spoiler,
       coalesce(s.featured, false) AS featured,
       coalesce(s.hidden, false) AS hidden
FROM reactions AS r
LEFT JOIN reaction_state AS s ON s.guild_id = :guild AND s.reaction_id = r.id
WHERE r.id = :reaction_id
  AND EXISTS (
      SELECT 1 FROM article_reactions AS e
      WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild)
  );

-- name: random_probe
-- Up to RANDOM_PROBES uniformly drawn ids (an int8 array), in one statement: the first
-- that names a visible, unhidden reaction.
SELECT r.id
FROM unnest(:candidates::bigint[]) WITH ORDINALITY AS c (value, key)
JOIN reactions AS r ON r.id = c.value
WHERE r.movie_id BETWEEN :movie_low AND :movie_high
  AND EXISTS (
      SELECT 1 FROM article_reactions AS e
      WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild)
  )
  AND NOT EXISTS (
      SELECT 1 FROM reaction_state AS s
      WHERE s.guild_id = :guild AND s.reaction_id = r.id AND s.hidden
  )
ORDER BY c.key
LIMIT 1;

-- name: reaction_id_range
SELECT (SELECT min(id) FROM reactions) AS low, (SELECT max(id) FROM reactions) AS high;

-- name: count_unhidden
WITH candidates (id) AS (
    SELECT r.id FROM reactions AS r
    WHERE r.movie_id BETWEEN :movie_low AND :movie_high AND r.global_sources > 0
    UNION ALL
    SELECT DISTINCT r.id
    FROM articles AS a
    JOIN article_reactions AS ar ON ar.article_id = a.id
    JOIN reactions AS r ON r.id = ar.reaction_id
    WHERE :guild::bigint <> 0 AND a.guild_id = :guild
      AND a.movie_id BETWEEN :movie_low AND :movie_high
      AND r.global_sources = 0
)
SELECT count(*) FROM candidates AS c
WHERE NOT EXISTS (
    SELECT 1 FROM reaction_state AS s
    WHERE s.guild_id = :guild AND s.reaction_id = c.id AND s.hidden
);

-- name: nth_unhidden
-- The same set as count_unhidden, in id order; the offset is drawn uniformly.
WITH candidates (id) AS (
    SELECT r.id FROM reactions AS r
    WHERE r.movie_id BETWEEN :movie_low AND :movie_high AND r.global_sources > 0
    UNION ALL
    SELECT DISTINCT r.id
    FROM articles AS a
    JOIN article_reactions AS ar ON ar.article_id = a.id
    JOIN reactions AS r ON r.id = ar.reaction_id
    WHERE :guild::bigint <> 0 AND a.guild_id = :guild
      AND a.movie_id BETWEEN :movie_low AND :movie_high
      AND r.global_sources = 0
)
SELECT c.id FROM candidates AS c
WHERE NOT EXISTS (
    SELECT 1 FROM reaction_state AS s
    WHERE s.guild_id = :guild AND s.reaction_id = c.id AND s.hidden
)
ORDER BY c.id
LIMIT 1 OFFSET :offset;

-- name: stats_reactions
-- Featured and hidden only count reactions the guild can see; a hidden one is not featured
-- (the page leaves it out), and "movies" are those with a visible reaction, as list_movies.
WITH candidates (id, movie_id) AS (
    SELECT r.id, r.movie_id FROM reactions AS r
    WHERE r.movie_id BETWEEN :movie_low AND :movie_high AND r.global_sources > 0
      AND (:platform::text IS NULL OR r.platform = :platform::text)
    UNION ALL
    SELECT DISTINCT r.id, r.movie_id
    FROM articles AS a
    JOIN article_reactions AS ar ON ar.article_id = a.id
    JOIN reactions AS r ON r.id = ar.reaction_id
    WHERE :guild::bigint <> 0 AND a.guild_id = :guild
      AND a.movie_id BETWEEN :movie_low AND :movie_high
      AND r.global_sources = 0
      AND (:platform::text IS NULL OR r.platform = :platform::text)
)
SELECT count(DISTINCT c.movie_id) FILTER (WHERE NOT coalesce(s.hidden, false)) AS movies,
       count(*) FILTER (WHERE NOT coalesce(s.hidden, false)) AS reactions,
       count(*) FILTER (WHERE s.featured AND NOT s.hidden) AS featured,
       count(*) FILTER (WHERE s.hidden) AS hidden
FROM candidates AS c
LEFT JOIN reaction_state AS s ON s.guild_id = :guild AND s.reaction_id = c.id;

-- name: top_authors
-- Authors are one person per handle (any case), else per name.
WITH candidates (id) AS (
    SELECT r.id FROM reactions AS r
    WHERE r.movie_id BETWEEN :movie_low AND :movie_high AND r.global_sources > 0
      AND (:platform::text IS NULL OR r.platform = :platform::text)
    UNION ALL
    SELECT DISTINCT r.id
    FROM articles AS a
    JOIN article_reactions AS ar ON ar.article_id = a.id
    JOIN reactions AS r ON r.id = ar.reaction_id
    WHERE :guild::bigint <> 0 AND a.guild_id = :guild
      AND a.movie_id BETWEEN :movie_low AND :movie_high
      AND r.global_sources = 0
      AND (:platform::text IS NULL OR r.platform = :platform::text)
)
SELECT who, name, handle, quoted FROM (
SELECT CASE WHEN nullif(r.handle, '') IS NOT NULL THEN 'h:' || lower(r.handle)
            ELSE 'n:' || r.author_name END AS who,
       max(nullif(r.author_name, '') COLLATE "C") AS name,
       max(nullif(r.handle, '') COLLATE "C") AS handle,
       count(*) AS quoted
FROM candidates AS c
JOIN reactions AS r ON r.id = c.id
WHERE (nullif(r.handle, '') IS NOT NULL OR nullif(r.author_name, '') IS NOT NULL)
  AND NOT EXISTS (
      SELECT 1 FROM reaction_state AS s
      WHERE s.guild_id = :guild AND s.reaction_id = c.id AND s.hidden
  )
GROUP BY who
) AS authors
ORDER BY quoted DESC, who COLLATE "C"
LIMIT :limit;

-- name: count_platform_articles
-- Articles the guild sees that quote at least one post of the platform.
SELECT count(*) FROM articles AS a
WHERE a.guild_id IN (0, :guild) AND a.movie_id BETWEEN :movie_low AND :movie_high
  AND EXISTS (
      SELECT 1 FROM article_reactions AS ar
      JOIN reactions AS r ON r.id = ar.reaction_id
      WHERE ar.article_id = a.id AND r.platform = :platform::text
  );
