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
