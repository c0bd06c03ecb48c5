-- Schedules. Times are fixed-width UTC text (schedule_time.to_utc_text): text order is
-- time order.
-- Named parameters throughout; ``:guild`` is a guild id, or 0 for "no guild", so
-- ``guild_id IN (0, :guild)`` reads "global, or this guild's".

-- name: select_schedule
SELECT id, guild_id, channel_id, every, at, movie_id, next_run_at, paused, paused_reason,
       created_by
FROM schedules WHERE id = :schedule_id;

-- name: select_channel_schedule
SELECT id, movie_id FROM schedules WHERE guild_id = :guild AND channel_id = :channel_id;

-- name: upsert_schedule
-- Setting a schedule again also resumes a paused one.
INSERT INTO schedules (guild_id, channel_id, every, at, movie_id, next_run_at, created_by)
VALUES (:guild, :channel_id, :every, :at, :movie_id, :next_run_at, :created_by)
ON CONFLICT (guild_id, channel_id) DO UPDATE SET
    every = excluded.every,
    at = excluded.at,
    movie_id = excluded.movie_id,
    next_run_at = excluded.next_run_at,
    paused = 0,
    paused_reason = NULL,
    created_by = excluded.created_by,
    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
RETURNING id, guild_id, channel_id, every, at, movie_id, next_run_at, paused, paused_reason,
          created_by;

-- name: list_schedules
SELECT id, guild_id, channel_id, every, at, movie_id, next_run_at, paused, paused_reason,
       created_by
FROM schedules WHERE guild_id = :guild ORDER BY channel_id;

-- name: delete_schedule
DELETE FROM schedules WHERE guild_id = :guild AND channel_id = :channel_id RETURNING id;

-- name: due_schedules
SELECT id, guild_id, channel_id, every, at, movie_id, next_run_at, paused, paused_reason,
       created_by
FROM schedules
WHERE paused = 0 AND next_run_at <= :now
ORDER BY next_run_at, id;

-- name: pause_schedule
-- Pausing also lets go of a claim on the schedule's slot.
UPDATE schedules
SET paused = 1, paused_reason = :reason, claimed_by = NULL, claim_until = NULL,
    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE id = :schedule_id
RETURNING id;

-- name: claim_schedule_run
-- Claim the schedule's due slot for :holder until :until, in one statement: only while it
-- runs, is due at :now and nobody holds it, or its holder's lease ran out (it died).
UPDATE schedules
SET claimed_by = :holder, claim_until = :until
WHERE id = :schedule_id AND paused = 0 AND next_run_at <= :now
  AND (claim_until IS NULL OR claim_until <= :now)
RETURNING id, guild_id, channel_id, every, at, movie_id, next_run_at, paused, paused_reason,
          created_by;

-- name: advance_schedule
-- Move to the next slot and clear the claim; with a :holder, only while it holds the claim.
UPDATE schedules
SET next_run_at = :next_run_at, last_run_at = :now, claimed_by = NULL, claim_until = NULL,
    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE id = :schedule_id AND (:holder IS NULL OR claimed_by = :holder)
RETURNING id, guild_id, channel_id, every, at, movie_id, next_run_at, paused, paused_reason,
          created_by;

-- name: schedule_posted
SELECT 1 FROM schedule_posts WHERE schedule_id = :schedule_id AND reaction_id = :reaction_id;

-- name: clear_schedule_posts!
DELETE FROM schedule_posts WHERE schedule_id = :schedule_id;

-- name: insert_schedule_post!
INSERT INTO schedule_posts (schedule_id, reaction_id, posted_at)
VALUES (:schedule_id, :reaction_id, :now);

-- name: next_scheduled_featured
-- The next post of a schedule, in reaction_page order: the guild's featured reactions
-- first, then the rest in (article, position) order at each post's first visible link.
-- With :skip_posted = 0 the posts of the current cycle are ignored (a new cycle's first).
SELECT r.id, min(ar.article_id) AS first_article, ar.position AS first_position
FROM reaction_state AS s
CROSS JOIN reactions AS r ON r.id = s.reaction_id
CROSS JOIN article_reactions AS ar ON ar.reaction_id = r.id
WHERE s.guild_id = :guild AND s.featured = 1 AND s.hidden = 0
  AND r.movie_id BETWEEN :movie_low AND :movie_high
  AND ar.guild_id IN (0, :guild)
  AND (:skip_posted = 0 OR NOT EXISTS (
      SELECT 1 FROM schedule_posts AS p
      WHERE p.schedule_id = :schedule_id AND p.reaction_id = r.id
  ))
GROUP BY r.id
ORDER BY first_article, first_position
LIMIT 1;

-- name: next_scheduled_of_movie
-- Walks article_reactions_movie for the movie (as select_unfeatured does) ...
SELECT ar.reaction_id AS id
FROM article_reactions AS ar
WHERE ar.movie_id = :movie_id
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
        AND (s.hidden = 1 OR s.featured = 1)
  )
  AND (:skip_posted = 0 OR NOT EXISTS (
      SELECT 1 FROM schedule_posts AS p
      WHERE p.schedule_id = :schedule_id AND p.reaction_id = ar.reaction_id
  ))
ORDER BY ar.article_id, ar.position
LIMIT 1;

-- name: next_scheduled_any
-- ... and the primary key (article_id, position) for every movie. LIMIT 1 stops either walk
-- at the first post not yet posted in this cycle.
SELECT ar.reaction_id AS id
FROM article_reactions AS ar
WHERE ar.guild_id IN (0, :guild)
  AND NOT EXISTS (
      SELECT 1 FROM article_reactions AS e
      WHERE e.reaction_id = ar.reaction_id
        AND e.guild_id IN (0, :guild)
        AND e.article_id < ar.article_id
  )
  AND NOT EXISTS (
      SELECT 1 FROM reaction_state AS s
      WHERE s.guild_id = :guild AND s.reaction_id = ar.reaction_id
        AND (s.hidden = 1 OR s.featured = 1)
  )
  AND (:skip_posted = 0 OR NOT EXISTS (
      SELECT 1 FROM schedule_posts AS p
      WHERE p.schedule_id = :schedule_id AND p.reaction_id = ar.reaction_id
  ))
ORDER BY ar.article_id, ar.position
LIMIT 1;
