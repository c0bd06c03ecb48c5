-- 0005_article_reactions_spoiler: whether a post is a spoiler, read from its links (issue 15).
--
-- A post is a spoiler in a guild when an article the guild sees quoting it (a global one,
-- or the guild's own) is marked spoiler. Every statement returning reactions asked that per
-- row of every visible article quoting the post, joined to articles. Now each link carries
-- its article's flag, as it carries movie_id and guild_id (an article never changes), and
-- the links marked spoiler have a small index of their own.
--
-- Not a count on reactions kept by the trigger: filling one rewrote every post a spoiler
-- article quotes (301,000 of 1M), each row written anew with its search vector and GIN
-- entries (13 s), and scattered the newest posts over the table (the correlation of id
-- with their place fell from 1 to 0.5): a search's walk of the newest posts then read four
-- times the pages (p99 88 ms, not 20).
--
-- The column is added with a constant default, so no row is rewritten (its value is
-- "stored in the table's metadata", ALTER TABLE in the PostgreSQL docs), and the backfill
-- writes only the links of spoiler articles. The default is then dropped (the rows already
-- there keep reading false): as with movie_id and guild_id, a link written without the
-- flag is refused, not taken for a plain one.

ALTER TABLE article_reactions ADD COLUMN spoiler boolean NOT NULL DEFAULT false;

UPDATE article_reactions AS ar SET spoiler = true
FROM articles AS a
WHERE a.id = ar.article_id AND a.spoiler;

ALTER TABLE article_reactions ALTER COLUMN spoiler DROP DEFAULT;

CREATE INDEX article_reactions_spoiler ON article_reactions (reaction_id, guild_id)
    WHERE spoiler;
