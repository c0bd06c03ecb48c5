-- 0010_article_reactions_spoiler: whether a post is a spoiler, read from its links (issue 15).
--
-- A post is a spoiler in a guild when an article the guild sees quoting it (a global one,
-- or the guild's own) is marked spoiler. Every statement returning reactions asked that per
-- row of every visible article quoting the post, joined to articles: ~13 us of a ~90 us
-- page at 1M. Now each link carries its article's flag, as it carries movie_id and guild_id
-- (an article never changes), and the links marked spoiler have a small covering index of
-- their own: the question is a seek for guild 0 and one for the guild, ~3 us a page.
--
-- Not a count on reactions kept by the triggers: on PostgreSQL, filling such a count
-- rewrote every post a spoiler article quotes (a third of them at 1M), scattering the
-- newest posts over the table, and a search's walk of them read four times the pages; the
-- two backends keep the same design.
--
-- SQLite gives an added NOT NULL column a default, and a writer that leaves the column out
-- gets it: 0, silently wrong for a spoiler article. The trigger article_reactions_spoiler
-- refuses such a link instead, whoever writes it (the store, a bulk load, a test), as a
-- missing movie_id or guild_id is refused; the article row it reads is the one the foreign
-- key check reads anyway. Equal to the article's flag, the link's is 0 or 1, so the column
-- needs no CHECK of its own (adding one would read every link to test it).
--
-- Adding a column with a constant default rewrites no row, so the backfill writes only the
-- links of spoiler articles.

ALTER TABLE article_reactions ADD COLUMN spoiler INTEGER NOT NULL DEFAULT 0;

UPDATE article_reactions SET spoiler = 1
WHERE article_id IN (SELECT a.id FROM articles AS a WHERE a.spoiler = 1);

CREATE INDEX article_reactions_spoiler ON article_reactions (reaction_id, guild_id, spoiler)
    WHERE spoiler = 1;

CREATE TRIGGER article_reactions_spoiler BEFORE INSERT ON article_reactions
WHEN new.spoiler <> (SELECT a.spoiler FROM articles AS a WHERE a.id = new.article_id) BEGIN
    SELECT RAISE(ABORT, 'a link''s spoiler must be its article''s');
END;
