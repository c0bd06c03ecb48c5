-- 0008_reaction_state_movie: the movie of each curated reaction, beside its flags (issue 15).
--
-- A page of a movie asks "which of this movie's reactions did the guild feature or hide?".
-- Without the movie here that meant walking every reaction the guild curated, in all
-- movies, and looking each one up in reactions: work that grew with the collection.
-- With it, reaction_state_movie answers from one index range of (guild, movie).
--
-- A reaction never changes movie, so the copy is set once, when the row is first written,
-- by the trigger below, whoever writes the row (the store, copy-db, a bulk load).

ALTER TABLE reaction_state ADD COLUMN movie_id INTEGER REFERENCES movies (id);

UPDATE reaction_state
SET movie_id = (SELECT r.movie_id FROM reactions AS r WHERE r.id = reaction_state.reaction_id);

-- Holds every column the page reads (the reaction id is part of each entry: the table is
-- WITHOUT ROWID with primary key (guild_id, reaction_id)).
CREATE INDEX reaction_state_movie ON reaction_state (guild_id, movie_id, featured, hidden);

CREATE TRIGGER reaction_state_movie AFTER INSERT ON reaction_state
WHEN new.movie_id IS NULL BEGIN
    UPDATE reaction_state
    SET movie_id = (SELECT r.movie_id FROM reactions AS r WHERE r.id = new.reaction_id)
    WHERE guild_id = new.guild_id AND reaction_id = new.reaction_id;
END;
