-- Articles: ingest (staged set-wise), listing and removal.
-- Named parameters throughout (asyncpg's $1...); ``:guild`` is a guild id, or 0 for "no
-- guild", so ``guild_id IN (0, :guild)`` reads "global, or this guild's".

-- name: select_article_by_hash
SELECT id, movie_id FROM articles WHERE guild_id = :guild AND content_hash = :content_hash;

-- name: insert_movie!
INSERT INTO movies (title, slug) VALUES (:title, :slug) ON CONFLICT (slug) DO NOTHING;

-- name: insert_article
INSERT INTO articles (guild_id, content_hash, movie_id, title, source, published, spoiler)
VALUES (:guild, :content_hash, :movie_id, :title, :source, :published, :spoiler)
RETURNING id;

-- name: create_staging!
-- A per-connection temp table (the pool keeps connections, so it is made once each); the
-- posts are staged here, then inserted and linked set-wise.
CREATE TEMP TABLE IF NOT EXISTS ingest_staging (
    position     integer PRIMARY KEY,
    key_hash     bytea NOT NULL UNIQUE,
    platform     text,
    text         text,
    author_name  text,
    handle       text,
    date         text,
    url          text,
    post_id      text
);

-- name: clear_staging!
DELETE FROM pg_temp.ingest_staging;

-- name: insert_staging*!
INSERT INTO pg_temp.ingest_staging
    (position, key_hash, platform, text, author_name, handle, date, url, post_id)
VALUES
    (:position, :key_hash, :platform, :text, :author_name, :handle, :date, :url, :post_id);

-- name: count_known_staged
SELECT count(*)
FROM pg_temp.ingest_staging AS s
WHERE EXISTS (
    SELECT 1 FROM reactions AS r WHERE r.movie_id = :movie_id AND r.key_hash = s.key_hash
);

-- name: insert_new_reactions!
INSERT INTO reactions
    (movie_id, key_hash, platform, text, author_name, handle, date, url, post_id)
SELECT :movie_id, s.key_hash, s.platform, s.text, s.author_name, s.handle, s.date, s.url,
       s.post_id
FROM pg_temp.ingest_staging AS s
WHERE NOT EXISTS (
    SELECT 1 FROM reactions AS r WHERE r.movie_id = :movie_id AND r.key_hash = s.key_hash
)
ORDER BY s.position;

-- name: insert_links!
-- Each link carries its article's spoiler flag (migration 0005): the read statements
-- and the spoiler count's trigger take it from there.
INSERT INTO article_reactions
    (article_id, position, reaction_id, movie_id, guild_id, spoiler)
SELECT :article_id,
       s.position,
       (SELECT r.id FROM reactions AS r
        WHERE r.movie_id = :movie_id AND r.key_hash = s.key_hash),
       :movie_id,
       :guild,
       :spoiler
FROM pg_temp.ingest_staging AS s;

-- name: reaction_known
SELECT 1 FROM reactions WHERE movie_id = :movie_id AND key_hash = :key_hash;

-- name: list_articles
-- Ids grow with every insert, so ``id DESC`` is newest first.
SELECT a.id, a.guild_id, a.title, a.source, a.movie_id, a.created_at,
       (SELECT count(*) FROM article_reactions AS ar WHERE ar.article_id = a.id)
           AS reaction_count
FROM articles AS a
WHERE a.guild_id IN (0, :guild) AND a.movie_id BETWEEN :movie_low AND :movie_high
ORDER BY a.id DESC
LIMIT :limit OFFSET :offset;

-- name: count_articles
SELECT count(*) FROM articles
WHERE guild_id IN (0, :guild) AND movie_id BETWEEN :movie_low AND :movie_high;

-- name: select_article
SELECT a.id, a.guild_id, a.title, a.source, a.movie_id, a.created_at,
       (SELECT count(*) FROM article_reactions AS ar WHERE ar.article_id = a.id)
           AS reaction_count
FROM articles AS a
WHERE a.id = :article_id AND a.guild_id IN (0, :guild);

-- name: delete_orphaned_reactions
-- The posts only this article quotes go with it; links, curation state and schedule posts
-- follow by ON DELETE CASCADE.
DELETE FROM reactions
WHERE id IN (
    SELECT ar.reaction_id FROM article_reactions AS ar
    WHERE ar.article_id = :article_id
      AND NOT EXISTS (
          SELECT 1 FROM article_reactions AS e
          WHERE e.reaction_id = ar.reaction_id AND e.article_id <> :article_id
      )
)
RETURNING id;

-- name: delete_article!
DELETE FROM articles WHERE id = :article_id;
