-- Articles: ingest (staged set-wise), listing and removal.
-- Named parameters throughout; ``:guild`` is a guild id, or 0 for "no guild", so
-- ``guild_id IN (0, :guild)`` reads "global, or this guild's".

-- name: select_article_by_hash
SELECT id, movie_id FROM articles WHERE guild_id = :guild AND content_hash = :content_hash;

-- name: insert_movie!
INSERT INTO movies (title, slug) VALUES (:title, :slug) ON CONFLICT (slug) DO NOTHING;

-- name: insert_article
INSERT INTO articles (guild_id, content_hash, movie_id, title, source, published, spoiler)
VALUES (:guild, :content_hash, :movie_id, :title, :source, :published, :spoiler)
RETURNING id;

-- name: create_staging!
-- Ingest stages the article's posts in a per-connection temp table, then inserts the new
-- ones and all the links set-wise: a handful of statements per article whatever its size.
CREATE TEMP TABLE IF NOT EXISTS ingest_staging (
    position     INTEGER PRIMARY KEY,
    key_hash     BLOB NOT NULL UNIQUE,
    platform     TEXT,
    text         TEXT,
    author_name  TEXT,
    handle       TEXT,
    date         TEXT,
    url          TEXT,
    post_id      TEXT
);

-- name: clear_staging!
DELETE FROM temp.ingest_staging;

-- name: insert_staging*!
INSERT INTO temp.ingest_staging
    (position, key_hash, platform, text, author_name, handle, date, url, post_id)
VALUES
    (:position, :key_hash, :platform, :text, :author_name, :handle, :date, :url, :post_id);

-- name: count_known_staged
-- Written as per-staged-row look-ups so the plan walks the (small) article, never the movie's
-- reactions, whatever the planner guesses about a temp table without statistics.
SELECT count(*)
FROM temp.ingest_staging AS s
WHERE EXISTS (
    SELECT 1 FROM reactions AS r WHERE r.movie_id = :movie_id AND r.key_hash = s.key_hash
);

-- name: insert_new_reactions
INSERT INTO reactions
    (movie_id, key_hash, platform, text, author_name, handle, date, url, post_id)
SELECT :movie_id, s.key_hash, s.platform, s.text, s.author_name, s.handle, s.date, s.url,
       s.post_id
FROM temp.ingest_staging AS s
WHERE NOT EXISTS (
    SELECT 1 FROM reactions AS r WHERE r.movie_id = :movie_id AND r.key_hash = s.key_hash
)
ORDER BY s.position;

-- name: insert_links
-- Each link carries its article's spoiler flag (migration 0010): the read statements
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
FROM temp.ingest_staging AS s;

-- name: reaction_known
-- Known posts, for the preview before a moderator confirms: one index look-up per post.
SELECT 1 FROM reactions WHERE movie_id = :movie_id AND key_hash = :key_hash;

-- name: list_articles
-- Articles. Ids grow with every insert, so ``id DESC`` is newest first.
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
-- The posts only this article quotes go with it. Their links, curation state and schedule
-- posts follow by ON DELETE CASCADE, and the FTS rows by the reactions_fts_delete trigger.
-- The IN list is built before the first row is deleted.
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
