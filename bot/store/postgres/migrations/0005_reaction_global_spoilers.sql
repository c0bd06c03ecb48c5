-- 0005_reaction_global_spoilers: whether a post is a spoiler, kept at write time (issue 15).
--
-- A post is a spoiler in a guild when an article the guild sees quoting it (a global one,
-- or the guild's own) is marked spoiler. Every statement returning reactions asked that per
-- row of every visible article quoting the post, joined to articles. Now it is
-- reactions.global_spoilers > 0 (the global spoiler articles quoting the post, counted
-- like global_sources, in the same UPDATE of the same trigger function), or else a look-up
-- of the guild's own links marked spoiler, which finds nothing for most posts.
--
-- A link carries its article's flag, as it carries movie_id and guild_id (an article never
-- changes), so the trigger on a link deleted with its article needs only the link.
--
-- The columns are added with a constant default, so no row is rewritten (its value is
-- "stored in the table's metadata", ALTER TABLE in the PostgreSQL docs), and the backfill
-- writes only the links of spoiler articles and the posts a global spoiler article quotes.
-- At 1M reactions (305,000 such links, 301,000 such posts) that took 17 s on PostgreSQL
-- 15, 13 of them in reactions: each post's row is written anew, its search vector and GIN
-- entries with it. The link's default is then dropped (the rows already there keep
-- reading false): as with movie_id and guild_id, a link written without the flag is
-- refused, not taken for a plain one.

ALTER TABLE article_reactions ADD COLUMN spoiler boolean NOT NULL DEFAULT false;

UPDATE article_reactions AS ar SET spoiler = true
FROM articles AS a
WHERE a.id = ar.article_id AND a.spoiler;

ALTER TABLE article_reactions ALTER COLUMN spoiler DROP DEFAULT;

ALTER TABLE reactions ADD COLUMN global_spoilers integer NOT NULL DEFAULT 0
    CHECK (global_spoilers >= 0);

UPDATE reactions AS r SET global_spoilers = counted.spoilers
FROM (
    SELECT ar.reaction_id, count(*) AS spoilers
    FROM articles AS a
    JOIN article_reactions AS ar ON ar.article_id = a.id
    WHERE a.spoiler AND a.guild_id = 0
    GROUP BY ar.reaction_id
) AS counted
WHERE r.id = counted.reaction_id;

CREATE OR REPLACE FUNCTION article_reactions_count_global() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE reactions
        SET global_sources = global_sources + 1,
            global_spoilers = global_spoilers + NEW.spoiler::integer
        WHERE id = NEW.reaction_id;
        RETURN NEW;
    END IF;
    UPDATE reactions
    SET global_sources = global_sources - 1,
        global_spoilers = global_spoilers - OLD.spoiler::integer
    WHERE id = OLD.reaction_id;
    RETURN OLD;
END;
$$;
