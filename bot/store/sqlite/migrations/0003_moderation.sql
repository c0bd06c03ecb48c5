-- 0003_moderation: per-guild settings, the moderators' audit log, and per-guild display
-- titles of movies (movies are shared between servers, so a rename is one server's view).

CREATE TABLE guild_settings (
    guild_id      INTEGER PRIMARY KEY CHECK (guild_id > 0),
    mod_role_id   INTEGER CHECK (mod_role_id IS NULL OR mod_role_id > 0),
    spoiler_mode  TEXT NOT NULL DEFAULT 'always' CHECK (spoiler_mode IN ('always', 'flagged')),
    page_size     INTEGER NOT NULL DEFAULT 5 CHECK (page_size BETWEEN 1 AND 10),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Written in the same transaction as the change it records. guild_id 0: an action with
-- no guild (the CLI). created_at has the fixed-width format of the defaults above, so
-- ordering the text orders the times.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL CHECK (guild_id >= 0),
    user_id     INTEGER NOT NULL,
    action      TEXT NOT NULL CHECK (length(action) > 0),
    target      TEXT NOT NULL,
    reason      TEXT,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX audit_log_guild_time ON audit_log (guild_id, created_at, id);

-- Every title a guild gave a movie: the one shown (current = 1) and the earlier ones, kept
-- so that a name members learned still finds the movie there. One row per name per guild.
CREATE TABLE movie_titles (
    guild_id    INTEGER NOT NULL CHECK (guild_id > 0),
    title_slug  TEXT NOT NULL CHECK (length(title_slug) > 0),
    movie_id    INTEGER NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
    title       TEXT NOT NULL CHECK (length(title) > 0),
    current     INTEGER NOT NULL DEFAULT 1 CHECK (current IN (0, 1)),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (guild_id, title_slug)
) WITHOUT ROWID;
CREATE UNIQUE INDEX movie_titles_current ON movie_titles (guild_id, movie_id) WHERE current = 1;
CREATE INDEX movie_titles_movie ON movie_titles (movie_id);
