-- A guild's flags on a reaction.

-- name: reaction_exists
-- "Can this guild see the reaction?": one of its source articles is global or the guild's.
SELECT 1 FROM article_reactions
WHERE reaction_id = :reaction_id AND guild_id IN (0, :guild)
LIMIT 1;

-- name: upsert_reaction_state!
-- Flags left as NULL parameters keep their stored value; un-hiding clears the reason.
INSERT INTO reaction_state (guild_id, reaction_id, hidden, hidden_reason, featured)
VALUES (:guild, :reaction_id, coalesce(:hidden::boolean, false),
        CASE WHEN :hidden::boolean THEN :reason::text END, coalesce(:featured::boolean, false))
ON CONFLICT (guild_id, reaction_id) DO UPDATE SET
    hidden = coalesce(:hidden::boolean, reaction_state.hidden),
    hidden_reason = CASE WHEN :hidden::boolean IS NULL THEN reaction_state.hidden_reason
                         WHEN :hidden::boolean THEN :reason::text END,
    featured = coalesce(:featured::boolean, reaction_state.featured),
    updated_at = now();

-- name: count_hidden
-- How many reactions of a movie the guild hides and still sees (a source global or its own):
-- what the web panel's "Hidden" list pages through. reaction_state_movie reads the
-- guild's rows of the movie, however many other rows the guild or its audit trail has.
SELECT count(*)
FROM reaction_state AS s
WHERE s.guild_id = :guild AND s.movie_id = :movie_id AND s.hidden
  AND EXISTS (
      SELECT 1 FROM article_reactions AS e
      WHERE e.reaction_id = s.reaction_id AND e.guild_id IN (0, :guild)
  );

-- name: select_hidden
-- A page of them, the most recently curated first.
SELECT r.id, r.movie_id, r.platform, r.text, r.author_name, r.handle, r.date, r.url,
       EXISTS (
           SELECT 1 FROM article_reactions AS e
           WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild) AND e.spoiler
       ) AS spoiler,
       s.featured, s.hidden
FROM reaction_state AS s
JOIN reactions AS r ON r.id = s.reaction_id
WHERE s.guild_id = :guild AND s.movie_id = :movie_id AND s.hidden
  AND EXISTS (
      SELECT 1 FROM article_reactions AS e
      WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild)
  )
ORDER BY s.updated_at DESC, s.reaction_id DESC
LIMIT :limit OFFSET :offset;
