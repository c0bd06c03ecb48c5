-- A guild's flags on a reaction.
-- Named parameters throughout; ``:guild`` is a guild id, or 0 for "no guild", so
-- ``guild_id IN (0, :guild)`` reads "global, or this guild's".

-- name: reaction_exists
-- "Can this guild see the reaction?": one of its source articles is global or the guild's.
-- Curation of a reaction the guild cannot see fails closed, exactly as for a missing one.
SELECT 1 FROM article_reactions
WHERE reaction_id = :reaction_id AND guild_id IN (0, :guild)
LIMIT 1;

-- name: upsert_reaction_state!
-- Columns left as NULL parameters keep their stored value; un-hiding clears the reason.
INSERT INTO reaction_state (guild_id, reaction_id, hidden, hidden_reason, featured)
VALUES (:guild, :reaction_id, coalesce(:hidden, 0), CASE WHEN :hidden THEN :reason END,
        coalesce(:featured, 0))
ON CONFLICT (guild_id, reaction_id) DO UPDATE SET
    hidden = coalesce(:hidden, hidden),
    hidden_reason = CASE WHEN :hidden IS NULL THEN hidden_reason
                         WHEN :hidden THEN :reason END,
    featured = coalesce(:featured, featured),
    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now');
