-- 0001_initial: movies and aliases, articles, reactions and their links, per-guild curation
-- state, and the full-text index over reactions.
--
-- guild_id = 0 marks a row every server sees (articles from the articles folder or the CLI,
-- global aliases). It is NOT NULL on purpose: NULLs are distinct in a UNIQUE constraint, so a
-- nullable scope would let the same global article be stored twice.
-- The runner wraps this file in BEGIN ... PRAGMA user_version = 1; COMMIT.

CREATE TABLE movies (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL CHECK (length(title) > 0),
    slug        TEXT NOT NULL UNIQUE CHECK (length(slug) > 0),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE movie_aliases (
    id          INTEGER PRIMARY KEY,
    movie_id    INTEGER NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
    guild_id    INTEGER NOT NULL DEFAULT 0,
    alias       TEXT NOT NULL CHECK (length(alias) > 0),
    alias_slug  TEXT NOT NULL CHECK (length(alias_slug) > 0),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (guild_id, alias_slug)
);
CREATE INDEX movie_aliases_movie ON movie_aliases (movie_id);

CREATE TABLE articles (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL DEFAULT 0,
    content_hash  TEXT NOT NULL CHECK (length(content_hash) > 0),
    movie_id      INTEGER NOT NULL REFERENCES movies (id),
    title         TEXT,
    source        TEXT,
    published     TEXT,
    spoiler       INTEGER NOT NULL DEFAULT 0 CHECK (spoiler IN (0, 1)),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (guild_id, content_hash)
);
CREATE INDEX articles_movie ON articles (movie_id, guild_id);

-- key_hash is the SHA-256 of Reaction.key(): the natural key can hold the whole post text,
-- and a fixed 32-byte digest keeps the unique index small on a million rows.
-- global_sources counts the global articles quoting the post (kept by the triggers below),
-- so "how many reactions does every server see" is a count over a partial index.
CREATE TABLE reactions (
    id              INTEGER PRIMARY KEY,
    movie_id        INTEGER NOT NULL REFERENCES movies (id),
    key_hash        BLOB NOT NULL CHECK (length(key_hash) = 32),
    platform        TEXT NOT NULL CHECK (length(platform) > 0),
    text            TEXT NOT NULL CHECK (length(text) > 0),
    author_name     TEXT,
    handle          TEXT,
    date            TEXT,
    url             TEXT,
    post_id         TEXT,
    global_sources  INTEGER NOT NULL DEFAULT 0 CHECK (global_sources >= 0),
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (movie_id, key_hash)
);
CREATE INDEX reactions_movie_global ON reactions (movie_id, global_sources)
    WHERE global_sources > 0;

-- Which articles quote a post, and where in each article it appears. movie_id and guild_id
-- are copied from the article (neither ever changes), so paging and visibility checks are
-- answered from these indexes alone.
CREATE TABLE article_reactions (
    article_id   INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL CHECK (position >= 0),
    reaction_id  INTEGER NOT NULL REFERENCES reactions (id) ON DELETE CASCADE,
    movie_id     INTEGER NOT NULL,
    guild_id     INTEGER NOT NULL,
    PRIMARY KEY (article_id, position)
) WITHOUT ROWID;
-- A movie's posts in article order: the page walks this and stops after one page.
CREATE INDEX article_reactions_movie
    ON article_reactions (movie_id, article_id, position, guild_id, reaction_id);
-- "Is this post visible here, and from which article first?" Also one link per post and
-- article: guild_id follows from article_id, so this is unique on (reaction_id, article_id).
CREATE UNIQUE INDEX article_reactions_reaction
    ON article_reactions (reaction_id, guild_id, article_id);

CREATE TRIGGER article_reactions_count_global AFTER INSERT ON article_reactions
WHEN new.guild_id = 0 BEGIN
    UPDATE reactions SET global_sources = global_sources + 1 WHERE id = new.reaction_id;
END;

CREATE TRIGGER article_reactions_uncount_global AFTER DELETE ON article_reactions
WHEN old.guild_id = 0 BEGIN
    UPDATE reactions SET global_sources = global_sources - 1 WHERE id = old.reaction_id;
END;

-- One row per (guild, reaction) a moderator has touched; absent means "not hidden, not
-- featured". Later curation (who did it, notes) adds columns here.
CREATE TABLE reaction_state (
    guild_id       INTEGER NOT NULL CHECK (guild_id <> 0),
    reaction_id    INTEGER NOT NULL REFERENCES reactions (id) ON DELETE CASCADE,
    hidden         INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
    hidden_reason  TEXT,
    featured       INTEGER NOT NULL DEFAULT 0 CHECK (featured IN (0, 1)),
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (guild_id, reaction_id)
) WITHOUT ROWID;
CREATE INDEX reaction_state_reaction ON reaction_state (reaction_id);

-- External-content FTS5 index: the text lives once, in reactions; triggers keep it in step.
CREATE VIRTUAL TABLE reactions_fts USING fts5 (
    text,
    author_name,
    handle,
    content = 'reactions',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER reactions_fts_insert AFTER INSERT ON reactions BEGIN
    INSERT INTO reactions_fts (rowid, text, author_name, handle)
    VALUES (new.id, new.text, new.author_name, new.handle);
END;

CREATE TRIGGER reactions_fts_delete AFTER DELETE ON reactions BEGIN
    INSERT INTO reactions_fts (reactions_fts, rowid, text, author_name, handle)
    VALUES ('delete', old.id, old.text, old.author_name, old.handle);
END;

CREATE TRIGGER reactions_fts_update AFTER UPDATE OF text, author_name, handle ON reactions BEGIN
    INSERT INTO reactions_fts (reactions_fts, rowid, text, author_name, handle)
    VALUES ('delete', old.id, old.text, old.author_name, old.handle);
    INSERT INTO reactions_fts (rowid, text, author_name, handle)
    VALUES (new.id, new.text, new.author_name, new.handle);
END;
