-- Guild settings and the audit log.
-- Named parameters throughout; ``:guild`` is a guild id, or 0 for "no guild", so
-- ``guild_id IN (0, :guild)`` reads "global, or this guild's".

-- name: select_settings
SELECT mod_role_id, spoiler_mode, page_size FROM guild_settings WHERE guild_id = :guild;

-- name: upsert_settings!
INSERT INTO guild_settings (guild_id, mod_role_id, spoiler_mode, page_size)
VALUES (:guild, :mod_role_id, :spoiler_mode, :page_size)
ON CONFLICT (guild_id) DO UPDATE SET
    mod_role_id = excluded.mod_role_id,
    spoiler_mode = excluded.spoiler_mode,
    page_size = excluded.page_size,
    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now');

-- name: insert_audit
INSERT INTO audit_log (guild_id, user_id, action, target, reason, created_at, via)
VALUES (:guild, :user_id, :action, :target, :reason,
        coalesce(:created_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), :via)
RETURNING id;

-- name: list_audit
SELECT id, guild_id, user_id, action, target, reason, created_at, via
FROM audit_log
WHERE guild_id = :guild
ORDER BY created_at DESC, id DESC
LIMIT :limit;
