-- 0005_audit_via: where a moderator action was made: in Discord, in the web panel, or by
-- the operator on the command line. Rows written before this migration came from Discord.

ALTER TABLE audit_log ADD COLUMN via TEXT NOT NULL DEFAULT 'discord'
    CHECK (via IN ('discord', 'web', 'cli'));
