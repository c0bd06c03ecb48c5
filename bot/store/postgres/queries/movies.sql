-- Movies as a guild sees them: titles, aliases, the names a guild gave them.

-- name: select_movie_by_id
SELECT id, title, slug FROM movies WHERE id = :movie_id;

-- name: select_movie_by_slug
SELECT id, title, slug FROM movies WHERE slug = :slug;

-- name: select_movie_for_guild
-- The movie as one guild sees it: under the title the guild gave it, if any, with the
-- global and the guild's aliases as a JSON array, oldest first.
SELECT m.id, coalesce(t.title, m.title) AS title, m.slug,
       (SELECT coalesce(json_agg(x.alias ORDER BY x.id), '[]')::text
        FROM movie_aliases AS x
        WHERE x.movie_id = m.id AND x.guild_id IN (0, :guild)) AS aliases
FROM movies AS m
LEFT JOIN movie_titles AS t ON t.guild_id = :guild AND t.movie_id = m.id AND t.current
WHERE m.id = :movie_id;

-- name: movie_visible
-- A movie is known in a guild when an article it can see is about it.
SELECT 1 FROM articles WHERE movie_id = :movie_id AND guild_id IN (0, :guild) LIMIT 1;

-- name: find_movie
-- The movie's own slug wins, then the guild's display title, the guild's alias, a title
-- the guild used before, and last a global alias. A movie only other guilds' articles are
-- about is not known here. Aliases as in select_movie_for_guild.
SELECT m.id, coalesce(t.title, m.title) AS title, m.slug,
       (SELECT coalesce(json_agg(x.alias ORDER BY x.id), '[]')::text
        FROM movie_aliases AS x
        WHERE x.movie_id = m.id AND x.guild_id IN (0, :guild)) AS aliases
FROM (
    SELECT m.id AS id, 0 AS rank
    FROM movies AS m
    WHERE m.slug = :slug
    UNION ALL
    SELECT n.movie_id, CASE WHEN n.current THEN 1 ELSE 3 END
    FROM movie_titles AS n
    WHERE n.guild_id = :guild AND n.title_slug = :slug
    UNION ALL
    SELECT a.movie_id, CASE WHEN a.guild_id = 0 THEN 4 ELSE 2 END
    FROM movie_aliases AS a
    WHERE a.alias_slug = :slug AND a.guild_id IN (0, :guild)
) AS found
JOIN movies AS m ON m.id = found.id
LEFT JOIN movie_titles AS t ON t.guild_id = :guild AND t.movie_id = m.id AND t.current
WHERE EXISTS (
    SELECT 1 FROM articles AS v WHERE v.movie_id = found.id AND v.guild_id IN (0, :guild)
)
ORDER BY found.rank
LIMIT 1;

-- name: select_guild_aliases
SELECT movie_id, alias FROM movie_aliases WHERE guild_id IN (0, :guild) ORDER BY id;

-- name: insert_alias
INSERT INTO movie_aliases (movie_id, guild_id, alias, alias_slug)
VALUES (:movie_id, :guild, :alias, :alias_slug)
ON CONFLICT (guild_id, alias_slug) DO NOTHING
RETURNING id;

-- name: list_movies
-- The same three terms as count_visible, per movie.
SELECT m.id, coalesce(t.title, m.title) AS title, m.slug, sum(c.n)::bigint AS reaction_count
FROM (
    SELECT r.movie_id AS movie_id, count(*) AS n
    FROM reactions AS r
    WHERE r.global_sources > 0
    GROUP BY r.movie_id
    UNION ALL
    SELECT a.movie_id, count(DISTINCT ar.reaction_id)
    FROM articles AS a
    JOIN article_reactions AS ar ON ar.article_id = a.id
    JOIN reactions AS r ON r.id = ar.reaction_id
    WHERE :guild::bigint <> 0 AND a.guild_id = :guild AND r.global_sources = 0
    GROUP BY a.movie_id
    UNION ALL
    SELECT r.movie_id, -count(*)
    FROM reaction_state AS s
    JOIN reactions AS r ON r.id = s.reaction_id
    WHERE s.guild_id = :guild AND s.hidden
      AND (r.global_sources > 0 OR EXISTS (
          SELECT 1 FROM article_reactions AS e
          WHERE e.reaction_id = r.id AND e.guild_id = :guild
      ))
    GROUP BY r.movie_id
) AS c
JOIN movies AS m ON m.id = c.movie_id
LEFT JOIN movie_titles AS t ON t.guild_id = :guild AND t.movie_id = m.id AND t.current
GROUP BY m.id, t.title
HAVING sum(c.n) > 0;

-- name: select_guild_titles
-- Movie names a guild uses: its current display titles and the ones before.
SELECT movie_id, title, current FROM movie_titles
WHERE guild_id = :guild
ORDER BY movie_id, current DESC, updated_at, title_slug COLLATE "C";

-- name: select_title_owner
SELECT movie_id FROM movie_titles WHERE guild_id = :guild AND title_slug = :slug;

-- name: retire_title!
-- clock_timestamp(): a title retired and another set in one transaction keep their order.
UPDATE movie_titles SET current = false, updated_at = clock_timestamp()
WHERE guild_id = :guild AND movie_id = :movie_id AND current;

-- name: upsert_title!
-- A name the guild once gave another movie (no longer visible here) is taken over.
INSERT INTO movie_titles (guild_id, title_slug, movie_id, title, current, updated_at)
VALUES (:guild, :title_slug, :movie_id, :title, true, clock_timestamp())
ON CONFLICT (guild_id, title_slug) DO UPDATE SET
    movie_id = excluded.movie_id,
    title = excluded.title,
    current = true,
    updated_at = clock_timestamp();

-- name: update_movie_title!
UPDATE movies SET title = :title WHERE id = :movie_id;
