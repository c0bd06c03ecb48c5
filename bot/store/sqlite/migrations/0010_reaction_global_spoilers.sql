-- 0010_reaction_global_spoilers: whether a post is a spoiler, kept at write time (issue 15).
--
-- A post is a spoiler in a guild when an article the guild sees quoting it (a global one,
-- or the guild's own) is marked spoiler. Every statement returning reactions asked that per
-- row of every visible article quoting the post, joined to articles: ~13 us of a ~90 us
-- page at 1M. Now it is reactions.global_spoilers > 0 (the global spoiler articles quoting
-- the post, counted like global_sources, in the same UPDATE of the same triggers), or else
-- a seek for one of the guild's own links marked spoiler, which finds nothing for most
-- posts: ~3 us.
--
-- A link carries its article's flag, as it carries movie_id and guild_id (an article never
-- changes): when deleting an article deletes its links by cascade, the trigger on a link
-- can no longer read the article row, only the link.
--
-- SQLite gives an added NOT NULL column a default, and a writer that leaves the column out
-- gets it: 0, silently wrong for a spoiler article. The trigger article_reactions_spoiler
-- refuses such a link instead, whoever writes it (the store, a bulk load, a test), as a
-- missing movie_id or guild_id is refused; the article row it reads is the one the foreign
-- key check reads anyway. Equal to the article's flag, the link's is 0 or 1, so the column
-- needs no CHECK of its own (adding one would read every link to test it).
--
-- Adding a column with a constant default rewrites no row, so the backfill writes only the
-- links of spoiler articles and the posts a global spoiler article quotes (at 1M: 305,000
-- links, 301,000 posts; the whole migration took 2.8-3.0 s). Each post's count is grouped
-- from those links in one pass, not counted by a look-up per post (0.9 s, not 1.2-1.6).

ALTER TABLE article_reactions ADD COLUMN spoiler INTEGER NOT NULL DEFAULT 0;

UPDATE article_reactions SET spoiler = 1
WHERE article_id IN (SELECT a.id FROM articles AS a WHERE a.spoiler = 1);

ALTER TABLE reactions ADD COLUMN global_spoilers INTEGER NOT NULL DEFAULT 0
    CHECK (global_spoilers >= 0);

UPDATE reactions SET global_spoilers = counted.spoilers
FROM (
    SELECT ar.reaction_id, count(*) AS spoilers
    FROM articles AS a
    CROSS JOIN article_reactions AS ar ON ar.article_id = a.id
    WHERE a.spoiler = 1 AND a.guild_id = 0
    GROUP BY ar.reaction_id
) AS counted
WHERE reactions.id = counted.reaction_id;

CREATE TRIGGER article_reactions_spoiler BEFORE INSERT ON article_reactions
WHEN new.spoiler <> (SELECT a.spoiler FROM articles AS a WHERE a.id = new.article_id) BEGIN
    SELECT RAISE(ABORT, 'a link''s spoiler must be its article''s');
END;

DROP TRIGGER article_reactions_count_global;
CREATE TRIGGER article_reactions_count_global AFTER INSERT ON article_reactions
WHEN new.guild_id = 0 BEGIN
    UPDATE reactions
    SET global_sources = global_sources + 1, global_spoilers = global_spoilers + new.spoiler
    WHERE id = new.reaction_id;
END;

DROP TRIGGER article_reactions_uncount_global;
CREATE TRIGGER article_reactions_uncount_global AFTER DELETE ON article_reactions
WHEN old.guild_id = 0 BEGIN
    UPDATE reactions
    SET global_sources = global_sources - 1, global_spoilers = global_spoilers - old.spoiler
    WHERE id = old.reaction_id;
END;
