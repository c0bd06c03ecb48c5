-- 0009_movie_global_reactions: the count behind a page's total, kept at write time (issue 15).
--
-- A page's total starts from "how many of the movie's reactions does every server see",
-- the reactions a global article quotes. Counting them read the movie's whole range of
-- reactions_movie_global on every page: work, and cold pages, that grew with the movie.
-- movies.global_reactions holds that count instead, in the row the page already reads.
--
-- It is exactly the number of the movie's rows in reactions_movie_global: the triggers
-- below follow global_sources across zero, whoever writes (the store, copy-db, a bulk
-- load), whether it changes by a link (article_reactions_count_global) or by an insert or
-- a delete of the reaction itself. A reaction never changes movie.

ALTER TABLE movies ADD COLUMN global_reactions INTEGER NOT NULL DEFAULT 0
    CHECK (global_reactions >= 0);

UPDATE movies
SET global_reactions = (
    SELECT count(*) FROM reactions AS r WHERE r.movie_id = movies.id AND r.global_sources > 0
);

CREATE TRIGGER reactions_global_insert AFTER INSERT ON reactions
WHEN new.global_sources > 0 BEGIN
    UPDATE movies SET global_reactions = global_reactions + 1 WHERE id = new.movie_id;
END;

CREATE TRIGGER reactions_global_update AFTER UPDATE OF global_sources ON reactions
WHEN (old.global_sources > 0) <> (new.global_sources > 0) BEGIN
    UPDATE movies
    SET global_reactions = global_reactions + iif(new.global_sources > 0, 1, -1)
    WHERE id = new.movie_id;
END;

CREATE TRIGGER reactions_global_delete AFTER DELETE ON reactions
WHEN old.global_sources > 0 BEGIN
    UPDATE movies SET global_reactions = global_reactions - 1 WHERE id = old.movie_id;
END;

-- The guild's own articles of a movie, for the reactions only they quote. articles_movie
-- answers that too, but from a range among every article of the collection (a cold page
-- on a big one); the guild's own articles are few, and this index stays small.
CREATE INDEX articles_guild_movie ON articles (guild_id, movie_id) WHERE guild_id <> 0;
