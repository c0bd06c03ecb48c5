-- 0004_reaction_state_movie: the movie of each curated reaction, beside its flags (issue 15).
--
-- A page of a movie asks "which of this movie's reactions did the guild feature or hide?".
-- Without the movie here that meant walking every reaction the guild curated, in all
-- movies, and looking each one up in reactions: work that grew with the collection.
-- With it, reaction_state_movie answers from one index range of (guild, movie).
--
-- A reaction never changes movie, so the copy is set once, as the row is first written,
-- by the trigger below, whoever writes the row (the store, copy-db, a bulk load).

ALTER TABLE reaction_state ADD COLUMN movie_id bigint REFERENCES movies (id);

UPDATE reaction_state AS s SET movie_id = r.movie_id FROM reactions AS r WHERE r.id = s.reaction_id;

ALTER TABLE reaction_state ALTER COLUMN movie_id SET NOT NULL;

CREATE INDEX reaction_state_movie ON reaction_state (guild_id, movie_id, featured, hidden)
    INCLUDE (reaction_id);

CREATE FUNCTION reaction_state_movie() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.movie_id IS NULL THEN
        SELECT r.movie_id INTO NEW.movie_id FROM reactions AS r WHERE r.id = NEW.reaction_id;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER reaction_state_movie BEFORE INSERT ON reaction_state
FOR EACH ROW EXECUTE FUNCTION reaction_state_movie();
