-- Guild settings and the audit log.

-- name: select_settings
SELECT mod_role_id, spoiler_mode, page_size FROM guild_settings WHERE guild_id = :guild;

-- name: upsert_settings!
INSERT INTO guild_settings (guild_id, mod_role_id, spoiler_mode, page_size)
VALUES (:guild, :mod_role_id, :spoiler_mode, :page_size)
ON CONFLICT (guild_id) DO UPDATE SET
    mod_role_id = excluded.mod_role_id,
    spoiler_mode = excluded.spoiler_mode,
    page_size = excluded.page_size,
    updated_at = now();

-- name: insert_audit
-- clock_timestamp(), not now(): rows written in one transaction keep their order in time.
INSERT INTO audit_log (guild_id, user_id, action, target, reason, created_at, via)
VALUES (:guild, :user_id, :action, :target, :reason,
        coalesce(:created_at::timestamptz, clock_timestamp()), :via)
RETURNING id;

-- name: list_audit
SELECT id, guild_id, user_id, action, target, reason, created_at, via
FROM audit_log
WHERE guild_id = :guild
ORDER BY created_at DESC, id DESC
LIMIT :limit;
