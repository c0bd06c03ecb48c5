"""The SQLite reaction store: one aiosqlite connection, named statements, locked transactions."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import sqlite3
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.domain.errors import StoreError, UnknownMovie
from bot.domain.models import Article, Reaction, slugify
from bot.domain.records import (
    MAX_PAGE_SIZE,
    MIN_PAGE_SIZE,
    SPOILER_MODES,
    TOP_AUTHORS,
    UNSET,
    ArticlePage,
    ArticleSummary,
    AuditAction,
    AuditEntry,
    AuditInfo,
    GuildSettings,
    IngestResult,
    Movie,
    MovieSummary,
    ReactionPage,
    RemoveOutcome,
    RemoveResult,
    Schedule,
    SearchPage,
    Stats,
    StoreCounts,
    StoredReaction,
    Unset,
)
from bot.domain.schedule_time import from_utc_text, next_run, normalise_at, to_utc_text
from bot.store.migrate import Migration, migrate
from bot.store.migrate import schema_version as read_schema_version
from bot.store.protocol import ReactionStore

log = logging.getLogger(__name__)

GLOBAL_SCOPE = 0
"""``guild_id`` of rows every server sees; Discord snowflakes are never 0."""

BUSY_TIMEOUT_MS = 5_000

RANDOM_PROBES = 64
"""Random ids tried in one statement before `random_reaction` counts its way to one."""

_ALL_MOVIES = {"movie_low": -(2**63), "movie_high": 2**63 - 1}

# Statements. Named parameters throughout; ``:guild`` is a guild id, or 0 for "no guild",
# so ``guild_id IN (0, :guild)`` reads "global, or this guild's". ``:movie_low`` and
# ``:movie_high`` bound ``movie_id`` (one movie, or all of them) so one statement serves
# both and still seeks an index on ``movie_id``.

_PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}",
    # WAL's recommended pairing: durable at checkpoints, never corrupt on power loss.
    "PRAGMA synchronous = NORMAL",
)
_SET_WAL = "PRAGMA journal_mode = WAL"

_BEGIN_READ = "BEGIN"
# IMMEDIATE takes the write lock at once, so a second process (the CLI) waits on
# busy_timeout instead of failing half-way with SQLITE_BUSY.
_BEGIN_WRITE = "BEGIN IMMEDIATE"
_COMMIT = "COMMIT"
_ROLLBACK = "ROLLBACK"

_SELECT_ARTICLE_BY_HASH = """
SELECT id, movie_id FROM articles WHERE guild_id = :guild AND content_hash = :content_hash
"""

_INSERT_MOVIE = """
INSERT INTO movies (title, slug) VALUES (:title, :slug) ON CONFLICT (slug) DO NOTHING
"""

_SELECT_MOVIE_BY_ID = "SELECT id, title, slug FROM movies WHERE id = :movie_id"

_SELECT_MOVIE_BY_SLUG = "SELECT id, title, slug FROM movies WHERE slug = :slug"

# The movie as one guild sees it: under the title the guild gave it, if any.
_SELECT_MOVIE_FOR_GUILD = """
SELECT m.id, coalesce(t.title, m.title) AS title, m.slug
FROM movies AS m
LEFT JOIN movie_titles AS t ON t.guild_id = :guild AND t.movie_id = m.id AND t.current = 1
WHERE m.id = :movie_id
"""

# A movie is known in a guild when an article it can see is about it.
_MOVIE_VISIBLE = """
SELECT 1 FROM articles WHERE movie_id = :movie_id AND guild_id IN (0, :guild) LIMIT 1
"""

# The movie's own slug wins, then the guild's display title, the guild's alias, a title
# the guild used before, and last a global alias. A movie only other guilds' articles are
# about is not known here.
_FIND_MOVIE = """
SELECT m.id, coalesce(t.title, m.title) AS title, m.slug
FROM (
    SELECT m.id AS id, 0 AS rank
    FROM movies AS m
    WHERE m.slug = :slug
    UNION ALL
    SELECT n.movie_id, CASE WHEN n.current = 1 THEN 1 ELSE 3 END
    FROM movie_titles AS n
    WHERE n.guild_id = :guild AND n.title_slug = :slug
    UNION ALL
    SELECT a.movie_id, CASE WHEN a.guild_id = 0 THEN 4 ELSE 2 END
    FROM movie_aliases AS a
    WHERE a.alias_slug = :slug AND a.guild_id IN (0, :guild)
) AS found
JOIN movies AS m ON m.id = found.id
LEFT JOIN movie_titles AS t ON t.guild_id = :guild AND t.movie_id = m.id AND t.current = 1
WHERE EXISTS (
    SELECT 1 FROM articles AS v WHERE v.movie_id = found.id AND v.guild_id IN (0, :guild)
)
ORDER BY found.rank
LIMIT 1
"""

_SELECT_MOVIE_ALIASES = """
SELECT alias FROM movie_aliases
WHERE movie_id = :movie_id AND guild_id IN (0, :guild)
ORDER BY id
"""

_SELECT_GUILD_ALIASES = """
SELECT movie_id, alias FROM movie_aliases WHERE guild_id IN (0, :guild) ORDER BY id
"""

_INSERT_ALIAS = """
INSERT INTO movie_aliases (movie_id, guild_id, alias, alias_slug)
VALUES (:movie_id, :guild, :alias, :alias_slug)
ON CONFLICT (guild_id, alias_slug) DO NOTHING
RETURNING id
"""

_INSERT_ARTICLE = """
INSERT INTO articles (guild_id, content_hash, movie_id, title, source, published, spoiler)
VALUES (:guild, :content_hash, :movie_id, :title, :source, :published, :spoiler)
RETURNING id
"""

# Ingest stages the article's posts in a per-connection temp table, then inserts the new
# ones and all the links set-wise: a handful of statements per article whatever its size.
_CREATE_STAGING = """
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
)
"""

_CLEAR_STAGING = "DELETE FROM temp.ingest_staging"

_INSERT_STAGING = """
INSERT INTO temp.ingest_staging
    (position, key_hash, platform, text, author_name, handle, date, url, post_id)
VALUES
    (:position, :key_hash, :platform, :text, :author_name, :handle, :date, :url, :post_id)
"""

# Written as per-staged-row look-ups so the plan walks the (small) article, never the movie's
# reactions, whatever the planner guesses about a temp table without statistics.
_COUNT_KNOWN_STAGED = """
SELECT count(*)
FROM temp.ingest_staging AS s
WHERE EXISTS (
    SELECT 1 FROM reactions AS r WHERE r.movie_id = :movie_id AND r.key_hash = s.key_hash
)
"""

_INSERT_NEW_REACTIONS = """
INSERT INTO reactions
    (movie_id, key_hash, platform, text, author_name, handle, date, url, post_id)
SELECT :movie_id, s.key_hash, s.platform, s.text, s.author_name, s.handle, s.date, s.url,
       s.post_id
FROM temp.ingest_staging AS s
WHERE NOT EXISTS (
    SELECT 1 FROM reactions AS r WHERE r.movie_id = :movie_id AND r.key_hash = s.key_hash
)
ORDER BY s.position
"""

_INSERT_LINKS = """
INSERT INTO article_reactions (article_id, position, reaction_id, movie_id, guild_id)
SELECT :article_id,
       s.position,
       (SELECT r.id FROM reactions AS r
        WHERE r.movie_id = :movie_id AND r.key_hash = s.key_hash),
       :movie_id,
       :guild
FROM temp.ingest_staging AS s
"""

# CROSS JOIN fixes SQLite's join order (https://sqlite.org/optoverview.html#crossjoin):
# these plans must start from the small side whatever ANALYZE statistics say.

# Paging is split in two so that neither part sorts the movie's reactions:
# - the guild's featured reactions (a handful a moderator picked), ordered in full;
# - the rest, walked in (article, position) order along article_reactions_movie, keeping
#   each post only at its earliest visible link; LIMIT stops the walk after one page.
# A link is visible in a guild when its article is global (0) or the guild's own.

# ``ar.position`` is a bare column beside the single min() aggregate, so SQLite takes it
# from the row holding that minimum (https://sqlite.org/lang_select.html#bareagg).
_SELECT_FEATURED = """
SELECT r.id, r.movie_id, r.platform, r.text, r.author_name, r.handle, r.date, r.url,
       EXISTS (
           SELECT 1 FROM article_reactions AS e JOIN articles AS a ON a.id = e.article_id
           WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild) AND a.spoiler = 1
       ) AS spoiler,
       1 AS featured,
       0 AS hidden,
       min(ar.article_id) AS first_article,
       ar.position AS first_position
FROM reaction_state AS s
CROSS JOIN reactions AS r ON r.id = s.reaction_id
CROSS JOIN article_reactions AS ar ON ar.reaction_id = r.id
WHERE s.guild_id = :guild AND s.featured = 1 AND s.hidden = 0
  AND r.movie_id = :movie_id
  AND ar.guild_id IN (0, :guild)
GROUP BY r.id
ORDER BY first_article, first_position
"""

_SELECT_UNFEATURED = """
SELECT r.id, r.movie_id, r.platform, r.text, r.author_name, r.handle, r.date, r.url,
       EXISTS (
           SELECT 1 FROM article_reactions AS e JOIN articles AS a ON a.id = e.article_id
           WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild) AND a.spoiler = 1
       ) AS spoiler,
       0 AS featured,
       0 AS hidden
FROM article_reactions AS ar
CROSS JOIN reactions AS r ON r.id = ar.reaction_id
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
ORDER BY ar.article_id, ar.position
LIMIT :limit OFFSET :offset
"""

# Visible reactions of a movie = those quoted by a global article (reactions_movie_global)
# + those only the guild's own articles quote - those the guild hid. Each term reads an
# index range or the guild's own rows, never every link of the movie.
_COUNT_VISIBLE = """
SELECT
    (SELECT count(*) FROM reactions AS r
     WHERE r.movie_id = :movie_id AND r.global_sources > 0)
  + (SELECT count(DISTINCT ar.reaction_id)
     FROM articles AS a
     CROSS JOIN article_reactions AS ar ON ar.article_id = a.id
     CROSS JOIN reactions AS r ON r.id = ar.reaction_id
     WHERE :guild <> 0 AND a.movie_id = :movie_id AND a.guild_id = :guild
       AND r.global_sources = 0)
  - (SELECT count(*)
     FROM reaction_state AS s
     JOIN reactions AS r ON r.id = s.reaction_id
     WHERE s.guild_id = :guild AND s.hidden = 1 AND r.movie_id = :movie_id
       AND (r.global_sources > 0 OR EXISTS (
           SELECT 1 FROM article_reactions AS e
           WHERE e.reaction_id = r.id AND e.guild_id = :guild
       )))
"""

# The same three terms as _COUNT_VISIBLE, per movie.
_LIST_MOVIES = """
SELECT m.id, coalesce(t.title, m.title) AS title, m.slug, sum(c.n) AS reaction_count
FROM (
    SELECT r.movie_id AS movie_id, count(*) AS n
    FROM reactions AS r
    WHERE r.global_sources > 0
    GROUP BY r.movie_id
    UNION ALL
    SELECT a.movie_id, count(DISTINCT ar.reaction_id)
    FROM articles AS a
    CROSS JOIN article_reactions AS ar ON ar.article_id = a.id
    CROSS JOIN reactions AS r ON r.id = ar.reaction_id
    WHERE :guild <> 0 AND a.guild_id = :guild AND r.global_sources = 0
    GROUP BY a.movie_id
    UNION ALL
    SELECT r.movie_id, -count(*)
    FROM reaction_state AS s
    JOIN reactions AS r ON r.id = s.reaction_id
    WHERE s.guild_id = :guild AND s.hidden = 1
      AND (r.global_sources > 0 OR EXISTS (
          SELECT 1 FROM article_reactions AS e
          WHERE e.reaction_id = r.id AND e.guild_id = :guild
      ))
    GROUP BY r.movie_id
) AS c
JOIN movies AS m ON m.id = c.movie_id
LEFT JOIN movie_titles AS t ON t.guild_id = :guild AND t.movie_id = m.id AND t.current = 1
GROUP BY m.id
HAVING sum(c.n) > 0
"""

# User text is turned into quoted FTS5 strings before it gets here (see _fts_query).
_SEARCH = """
SELECT r.id, r.movie_id, r.platform, r.text, r.author_name, r.handle, r.date, r.url,
       EXISTS (
           SELECT 1 FROM article_reactions AS e JOIN articles AS a ON a.id = e.article_id
           WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild) AND a.spoiler = 1
       ) AS spoiler,
       coalesce(s.featured, 0) AS featured,
       0 AS hidden
FROM reactions_fts AS f
JOIN reactions AS r ON r.id = f.rowid
LEFT JOIN reaction_state AS s ON s.guild_id = :guild AND s.reaction_id = r.id
WHERE reactions_fts MATCH :query
  AND (:movie_id IS NULL OR r.movie_id = :movie_id)
  AND coalesce(s.hidden, 0) = 0
  AND EXISTS (
      SELECT 1 FROM article_reactions AS e
      WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild)
  )
ORDER BY f.rank, r.id
LIMIT :limit OFFSET :offset
"""

_COUNT_SEARCH = """
SELECT count(*)
FROM reactions_fts AS f
JOIN reactions AS r ON r.id = f.rowid
WHERE reactions_fts MATCH :query
  AND (:movie_id IS NULL OR r.movie_id = :movie_id)
  AND EXISTS (
      SELECT 1 FROM article_reactions AS e
      WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild)
  )
  AND NOT EXISTS (
      SELECT 1 FROM reaction_state AS s
      WHERE s.guild_id = :guild AND s.reaction_id = r.id AND s.hidden = 1
  )
"""

# "Can this guild see the reaction?": one of its source articles is global or the guild's.
# Curation of a reaction the guild cannot see fails closed, exactly as for a missing one.
_REACTION_EXISTS = """
SELECT 1 FROM article_reactions
WHERE reaction_id = :reaction_id AND guild_id IN (0, :guild)
LIMIT 1
"""

# Columns left as NULL parameters keep their stored value; un-hiding clears the reason.
_UPSERT_REACTION_STATE = """
INSERT INTO reaction_state (guild_id, reaction_id, hidden, hidden_reason, featured)
VALUES (:guild, :reaction_id, coalesce(:hidden, 0), CASE WHEN :hidden THEN :reason END,
        coalesce(:featured, 0))
ON CONFLICT (guild_id, reaction_id) DO UPDATE SET
    hidden = coalesce(:hidden, hidden),
    hidden_reason = CASE WHEN :hidden IS NULL THEN hidden_reason
                         WHEN :hidden THEN :reason END,
    featured = coalesce(:featured, featured),
    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
"""

_SELECT_META = "SELECT value FROM bot_meta WHERE key = :key"
_UPSERT_META = """
INSERT INTO bot_meta (key, value) VALUES (:key, :value)
ON CONFLICT (key) DO UPDATE SET value = excluded.value
"""

_COUNTS = """
SELECT (SELECT count(*) FROM movies),
       (SELECT count(*) FROM articles),
       (SELECT count(*) FROM reactions)
"""

# Known posts, for the preview before a moderator confirms: one index look-up per post.
_REACTION_KNOWN = """
SELECT 1 FROM reactions WHERE movie_id = :movie_id AND key_hash = :key_hash
"""

# One reaction with the guild's flags, hidden or not, if the guild can see a source of it.
_SELECT_REACTION_FOR_GUILD = """
SELECT r.id, r.movie_id, r.platform, r.text, r.author_name, r.handle, r.date, r.url,
       EXISTS (
           SELECT 1 FROM article_reactions AS e JOIN articles AS a ON a.id = e.article_id
           WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild) AND a.spoiler = 1
       ) AS spoiler,
       coalesce(s.featured, 0) AS featured,
       coalesce(s.hidden, 0) AS hidden
FROM reactions AS r
LEFT JOIN reaction_state AS s ON s.guild_id = :guild AND s.reaction_id = r.id
WHERE r.id = :reaction_id
  AND EXISTS (
      SELECT 1 FROM article_reactions AS e
      WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild)
  )
"""

# Articles. Ids grow with every insert, so ``id DESC`` is newest first.
_LIST_ARTICLES = """
SELECT a.id, a.guild_id, a.title, a.source, a.movie_id, a.created_at,
       (SELECT count(*) FROM article_reactions AS ar WHERE ar.article_id = a.id)
           AS reaction_count
FROM articles AS a
WHERE a.guild_id IN (0, :guild) AND a.movie_id BETWEEN :movie_low AND :movie_high
ORDER BY a.id DESC
LIMIT :limit OFFSET :offset
"""

_COUNT_ARTICLES = """
SELECT count(*) FROM articles
WHERE guild_id IN (0, :guild) AND movie_id BETWEEN :movie_low AND :movie_high
"""

_SELECT_ARTICLE = """
SELECT a.id, a.guild_id, a.title, a.source, a.movie_id, a.created_at,
       (SELECT count(*) FROM article_reactions AS ar WHERE ar.article_id = a.id)
           AS reaction_count
FROM articles AS a
WHERE a.id = :article_id AND a.guild_id IN (0, :guild)
"""

# The posts only this article quotes go with it. Their links, curation state and schedule
# posts follow by ON DELETE CASCADE, and the FTS rows by the reactions_fts_delete trigger.
# The IN list is built before the first row is deleted.
_DELETE_ORPHANED_REACTIONS = """
DELETE FROM reactions
WHERE id IN (
    SELECT ar.reaction_id FROM article_reactions AS ar
    WHERE ar.article_id = :article_id
      AND NOT EXISTS (
          SELECT 1 FROM article_reactions AS e
          WHERE e.reaction_id = ar.reaction_id AND e.article_id <> :article_id
      )
)
RETURNING id
"""

_DELETE_ARTICLE = "DELETE FROM articles WHERE id = :article_id"

# Movie names a guild uses: its current display titles and the ones before.
_SELECT_GUILD_TITLES = """
SELECT movie_id, title, current FROM movie_titles
WHERE guild_id = :guild
ORDER BY movie_id, current DESC, updated_at, title_slug
"""

_SELECT_TITLE_OWNER = """
SELECT movie_id FROM movie_titles WHERE guild_id = :guild AND title_slug = :slug
"""

_RETIRE_TITLE = """
UPDATE movie_titles SET current = 0, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE guild_id = :guild AND movie_id = :movie_id AND current = 1
"""

# A name the guild once gave another movie (no longer visible here) is taken over.
_UPSERT_TITLE = """
INSERT INTO movie_titles (guild_id, title_slug, movie_id, title, current)
VALUES (:guild, :title_slug, :movie_id, :title, 1)
ON CONFLICT (guild_id, title_slug) DO UPDATE SET
    movie_id = excluded.movie_id,
    title = excluded.title,
    current = 1,
    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
"""

# Reactions a guild sees before its own hiding, each once: those a global article quotes
# (the partial index reactions_movie_global), and those only the guild's articles quote.
# Written out in each statement below that needs it: SQL is never assembled at run time.

# Up to RANDOM_PROBES uniformly drawn ids, in one statement: the first that names a
# visible, unhidden reaction. The first accepted draw is uniform over those reactions.
_RANDOM_PROBE = """
SELECT r.id
FROM json_each(:candidates) AS c
CROSS JOIN reactions AS r ON r.id = c.value
WHERE r.movie_id BETWEEN :movie_low AND :movie_high
  AND EXISTS (
      SELECT 1 FROM article_reactions AS e
      WHERE e.reaction_id = r.id AND e.guild_id IN (0, :guild)
  )
  AND NOT EXISTS (
      SELECT 1 FROM reaction_state AS s
      WHERE s.guild_id = :guild AND s.reaction_id = r.id AND s.hidden = 1
  )
ORDER BY c.key
LIMIT 1
"""

# Two subqueries: SQLite answers a lone min() or max() from the end of the rowid B-tree,
# but min() and max() in one SELECT scan the table (https://sqlite.org/optoverview.html#minmax).
_REACTION_ID_RANGE = """
SELECT (SELECT min(id) FROM reactions) AS low, (SELECT max(id) FROM reactions) AS high
"""

_COUNT_UNHIDDEN = """
WITH candidates (id) AS (
    SELECT r.id FROM reactions AS r
    WHERE r.movie_id BETWEEN :movie_low AND :movie_high AND r.global_sources > 0
    UNION ALL
    SELECT DISTINCT r.id
    FROM articles AS a
    CROSS JOIN article_reactions AS ar ON ar.article_id = a.id
    CROSS JOIN reactions AS r ON r.id = ar.reaction_id
    WHERE :guild <> 0 AND a.guild_id = :guild
      AND a.movie_id BETWEEN :movie_low AND :movie_high
      AND r.global_sources = 0
)
SELECT count(*) FROM candidates AS c
WHERE NOT EXISTS (
    SELECT 1 FROM reaction_state AS s
    WHERE s.guild_id = :guild AND s.reaction_id = c.id AND s.hidden = 1
)
"""

# The same set as _COUNT_UNHIDDEN; any order will do, since the offset is drawn uniformly.
_NTH_UNHIDDEN = """
WITH candidates (id) AS (
    SELECT r.id FROM reactions AS r
    WHERE r.movie_id BETWEEN :movie_low AND :movie_high AND r.global_sources > 0
    UNION ALL
    SELECT DISTINCT r.id
    FROM articles AS a
    CROSS JOIN article_reactions AS ar ON ar.article_id = a.id
    CROSS JOIN reactions AS r ON r.id = ar.reaction_id
    WHERE :guild <> 0 AND a.guild_id = :guild
      AND a.movie_id BETWEEN :movie_low AND :movie_high
      AND r.global_sources = 0
)
SELECT c.id FROM candidates AS c
WHERE NOT EXISTS (
    SELECT 1 FROM reaction_state AS s
    WHERE s.guild_id = :guild AND s.reaction_id = c.id AND s.hidden = 1
)
LIMIT 1 OFFSET :offset
"""

# Featured and hidden only count reactions the guild can see; a hidden one is not featured
# (the page leaves it out), and "movies" are those with a visible reaction, as list_movies.
_STATS_REACTIONS = """
WITH candidates (id, movie_id) AS (
    SELECT r.id, r.movie_id FROM reactions AS r
    WHERE r.movie_id BETWEEN :movie_low AND :movie_high AND r.global_sources > 0
    UNION ALL
    SELECT DISTINCT r.id, r.movie_id
    FROM articles AS a
    CROSS JOIN article_reactions AS ar ON ar.article_id = a.id
    CROSS JOIN reactions AS r ON r.id = ar.reaction_id
    WHERE :guild <> 0 AND a.guild_id = :guild
      AND a.movie_id BETWEEN :movie_low AND :movie_high
      AND r.global_sources = 0
)
SELECT count(DISTINCT CASE WHEN coalesce(s.hidden, 0) = 0 THEN c.movie_id END) AS movies,
       count(*) - coalesce(sum(s.hidden), 0) AS reactions,
       coalesce(sum(s.featured = 1 AND s.hidden = 0), 0) AS featured,
       coalesce(sum(s.hidden), 0) AS hidden
FROM candidates AS c
LEFT JOIN reaction_state AS s ON s.guild_id = :guild AND s.reaction_id = c.id
"""

# Authors are one person per handle (any case), else per name.
_TOP_AUTHORS = """
WITH candidates (id) AS (
    SELECT r.id FROM reactions AS r
    WHERE r.movie_id BETWEEN :movie_low AND :movie_high AND r.global_sources > 0
    UNION ALL
    SELECT DISTINCT r.id
    FROM articles AS a
    CROSS JOIN article_reactions AS ar ON ar.article_id = a.id
    CROSS JOIN reactions AS r ON r.id = ar.reaction_id
    WHERE :guild <> 0 AND a.guild_id = :guild
      AND a.movie_id BETWEEN :movie_low AND :movie_high
      AND r.global_sources = 0
)
SELECT CASE WHEN nullif(r.handle, '') IS NOT NULL THEN 'h:' || lower(r.handle)
            ELSE 'n:' || r.author_name END AS who,
       max(nullif(r.author_name, '')) AS name,
       max(nullif(r.handle, '')) AS handle,
       count(*) AS quoted
FROM candidates AS c
CROSS JOIN reactions AS r ON r.id = c.id
WHERE (nullif(r.handle, '') IS NOT NULL OR nullif(r.author_name, '') IS NOT NULL)
  AND NOT EXISTS (
      SELECT 1 FROM reaction_state AS s
      WHERE s.guild_id = :guild AND s.reaction_id = c.id AND s.hidden = 1
  )
GROUP BY who
ORDER BY quoted DESC, who
LIMIT :limit
"""

# Settings and audit.

_SELECT_SETTINGS = """
SELECT mod_role_id, spoiler_mode, page_size FROM guild_settings WHERE guild_id = :guild
"""

_UPSERT_SETTINGS = """
INSERT INTO guild_settings (guild_id, mod_role_id, spoiler_mode, page_size)
VALUES (:guild, :mod_role_id, :spoiler_mode, :page_size)
ON CONFLICT (guild_id) DO UPDATE SET
    mod_role_id = excluded.mod_role_id,
    spoiler_mode = excluded.spoiler_mode,
    page_size = excluded.page_size,
    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
"""

_INSERT_AUDIT = """
INSERT INTO audit_log (guild_id, user_id, action, target, reason, created_at)
VALUES (:guild, :user_id, :action, :target, :reason,
        coalesce(:created_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))
RETURNING id
"""

_LIST_AUDIT = """
SELECT id, guild_id, user_id, action, target, reason, created_at
FROM audit_log
WHERE guild_id = :guild
ORDER BY created_at DESC, id DESC
LIMIT :limit
"""

# Schedules. Times are fixed-width UTC text (schedule_time.to_utc_text): text order is
# time order.

_SELECT_SCHEDULE = """
SELECT id, guild_id, channel_id, every, at, movie_id, next_run_at, paused, paused_reason,
       created_by
FROM schedules WHERE id = :schedule_id
"""

_SELECT_CHANNEL_SCHEDULE = """
SELECT id, movie_id FROM schedules WHERE guild_id = :guild AND channel_id = :channel_id
"""

# Setting a schedule again also resumes a paused one.
_UPSERT_SCHEDULE = """
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
          created_by
"""

_LIST_SCHEDULES = """
SELECT id, guild_id, channel_id, every, at, movie_id, next_run_at, paused, paused_reason,
       created_by
FROM schedules WHERE guild_id = :guild ORDER BY channel_id
"""

_DELETE_SCHEDULE = """
DELETE FROM schedules WHERE guild_id = :guild AND channel_id = :channel_id RETURNING id
"""

_DUE_SCHEDULES = """
SELECT id, guild_id, channel_id, every, at, movie_id, next_run_at, paused, paused_reason,
       created_by
FROM schedules
WHERE paused = 0 AND next_run_at <= :now
ORDER BY next_run_at, id
"""

_PAUSE_SCHEDULE = """
UPDATE schedules
SET paused = 1, paused_reason = :reason, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE id = :schedule_id
RETURNING id
"""

_ADVANCE_SCHEDULE = """
UPDATE schedules
SET next_run_at = :next_run_at, last_run_at = :now,
    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE id = :schedule_id
RETURNING id, guild_id, channel_id, every, at, movie_id, next_run_at, paused, paused_reason,
          created_by
"""

_SCHEDULE_POSTED = """
SELECT 1 FROM schedule_posts WHERE schedule_id = :schedule_id AND reaction_id = :reaction_id
"""

_CLEAR_SCHEDULE_POSTS = "DELETE FROM schedule_posts WHERE schedule_id = :schedule_id"

_INSERT_SCHEDULE_POST = """
INSERT INTO schedule_posts (schedule_id, reaction_id, posted_at)
VALUES (:schedule_id, :reaction_id, :now)
"""

# The next post of a schedule, in reaction_page order: the guild's featured reactions
# first, then the rest in (article, position) order at each post's first visible link.
# With :skip_posted = 0 the posts of the current cycle are ignored (a new cycle's first).
_NEXT_SCHEDULED_FEATURED = """
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
LIMIT 1
"""

# Walks article_reactions_movie for the movie (as _SELECT_UNFEATURED does) ...
_NEXT_SCHEDULED_OF_MOVIE = """
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
LIMIT 1
"""

# ... and the primary key (article_id, position) for every movie. LIMIT 1 stops either walk
# at the first post not yet posted in this cycle.
_NEXT_SCHEDULED_ANY = """
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
LIMIT 1
"""


def _scope(guild_id: int | None) -> int:
    """Return the ``guild_id`` column value for a guild, 0 meaning "no guild"."""
    if guild_id is None:
        return GLOBAL_SCOPE
    if guild_id < 0:
        raise ValueError(f"guild ids are positive snowflakes, got {guild_id}")
    return guild_id


def _guild_only(guild_id: int | None, what: str) -> int:
    """Return the guild's scope, refusing "no guild" for state that belongs to one guild."""
    guild = _scope(guild_id)
    if guild == GLOBAL_SCOPE:
        raise ValueError(f"{what} belongs to a guild; no guild id was given")
    return guild


def _movie_bounds(movie_id: int | None) -> dict[str, int]:
    """Return ``:movie_low``/``:movie_high`` for one movie, or for every movie."""
    if movie_id is None:
        return dict(_ALL_MOVIES)
    return {"movie_low": movie_id, "movie_high": movie_id}


def _check_page(offset: int, limit: int) -> None:
    if offset < 0 or limit < 1:
        raise ValueError(f"need offset >= 0 and limit >= 1, got {offset} and {limit}")


def _key_hash(reaction: Reaction) -> bytes:
    return hashlib.sha256(reaction.key().encode("utf-8")).digest()


def _staging_rows(reactions: Iterable[Reaction]) -> list[dict[str, Any]]:
    """Return the article's posts for the staging table, each post once, first place kept."""
    rows: list[dict[str, Any]] = []
    seen: set[bytes] = set()
    for position, reaction in enumerate(reactions):
        key_hash = _key_hash(reaction)
        if key_hash in seen:
            continue
        seen.add(key_hash)
        rows.append(
            {
                "position": position,
                "key_hash": key_hash,
                "platform": reaction.platform,
                "text": reaction.text,
                "author_name": reaction.author_name,
                "handle": reaction.handle,
                "date": reaction.date,
                "url": reaction.url,
                "post_id": reaction.post_id,
            }
        )
    return rows


def _fts_query(text: str) -> str:
    """Quote every word so user input is matched as text, never read as FTS5 syntax.

    Words without a letter or digit (``"``, ``*``, ``(``, ``-``, ``^``, ``:``) hold no
    token for the index and are dropped; a query of nothing else matches nothing.
    """
    words = [word for word in text.split() if any(ch.isalnum() for ch in word)]
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


def _stored_reaction(row: aiosqlite.Row) -> StoredReaction:
    return StoredReaction(
        id=row["id"],
        movie_id=row["movie_id"],
        platform=row["platform"],
        text=row["text"],
        author_name=row["author_name"],
        handle=row["handle"],
        date=row["date"],
        url=row["url"],
        spoiler=bool(row["spoiler"]),
        featured=bool(row["featured"]),
        hidden=bool(row["hidden"]),
    )


def _schedule(row: aiosqlite.Row) -> Schedule:
    return Schedule(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        every=row["every"],
        at=row["at"],
        movie_id=row["movie_id"],
        next_run_at=from_utc_text(row["next_run_at"]),
        paused=bool(row["paused"]),
        paused_reason=row["paused_reason"],
        created_by=row["created_by"],
    )


def _settings(guild: int, row: aiosqlite.Row | None) -> GuildSettings:
    """Return a guild's settings from its row, or the defaults when it has none."""
    if row is None:
        return GuildSettings(guild_id=guild)
    return GuildSettings(
        guild_id=guild,
        mod_role_id=row["mod_role_id"],
        spoiler_mode=row["spoiler_mode"],
        page_size=row["page_size"],
    )


def _author_label(name: str | None, handle: str | None) -> str:
    """Return "Name (@handle)", or whichever of the two is known."""
    if name and handle:
        return f"{name} (@{handle})"
    return name or f"@{handle}"


def _quoted(text: str | None) -> str:
    return f' "{text}"' if text else ""


class SQLiteStore:
    """The ReactionStore on one SQLite file through one aiosqlite connection."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        """Wrap a connection that is already configured and migrated (see open_sqlite_store)."""
        self._connection = connection
        # One connection gives no isolation between coroutines: a read between two
        # statements of an ingest would see half an article, and a second BEGIN would fail.
        # Every transaction, read or write, runs under this lock.
        self._lock = asyncio.Lock()
        self._closed = False

    # Plumbing.

    @asynccontextmanager
    async def _transaction(self, *, write: bool) -> AsyncIterator[None]:
        async with self._lock:
            await self._run(_BEGIN_WRITE if write else _BEGIN_READ)
            try:
                yield
            except BaseException:
                if self._connection.in_transaction:
                    await self._run(_ROLLBACK)
                raise
            await self._run(_COMMIT)

    # Each statement is one trip to aiosqlite's thread (execute_fetchall), not three
    # (execute, fetch, close): the trips, not the SQL, were most of a page query's time.
    # Statements read through _one return at most one row (LIMIT 1, keys, RETURNING).

    async def _run(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        await self._connection.execute_fetchall(sql, params or {})

    async def _one(self, sql: str, params: Mapping[str, Any] | None = None) -> aiosqlite.Row | None:
        rows = await self._connection.execute_fetchall(sql, params or {})
        return next(iter(rows), None)

    async def _all(self, sql: str, params: Mapping[str, Any] | None = None) -> list[aiosqlite.Row]:
        return list(await self._connection.execute_fetchall(sql, params or {}))

    async def _scalar(self, sql: str, params: Mapping[str, Any] | None = None) -> int:
        row = await self._one(sql, params)
        if row is None:
            raise StoreError(f"query returned no row: {sql.split()[0]}")
        return int(row[0])

    async def _movie(self, movie_id: int, guild: int) -> Movie | None:
        row = await self._one(_SELECT_MOVIE_FOR_GUILD, {"movie_id": movie_id, "guild": guild})
        if row is None:
            return None
        return await self._movie_from_row(row, guild)

    async def _movie_from_row(self, row: aiosqlite.Row, guild: int) -> Movie:
        """Build the Movie of a row whose ``title`` is already the guild's display title."""
        aliases = await self._all(_SELECT_MOVIE_ALIASES, {"movie_id": row["id"], "guild": guild})
        return Movie(
            id=row["id"],
            title=row["title"],
            slug=row["slug"],
            aliases=tuple(alias["alias"] for alias in aliases),
        )

    async def _movie_visible(self, movie_id: int, guild: int) -> bool:
        return await self._one(_MOVIE_VISIBLE, {"movie_id": movie_id, "guild": guild}) is not None

    async def _guild_aliases(self, guild: int) -> dict[int, tuple[str, ...]]:
        aliases: dict[int, list[str]] = {}
        for row in await self._all(_SELECT_GUILD_ALIASES, {"guild": guild}):
            aliases.setdefault(row["movie_id"], []).append(row["alias"])
        return {movie_id: tuple(names) for movie_id, names in aliases.items()}

    async def _visible_movies(self, guild: int) -> list[MovieSummary]:
        aliases = await self._guild_aliases(guild)
        rows = await self._all(_LIST_MOVIES, {"guild": guild})
        summaries = [
            MovieSummary(
                movie=Movie(
                    id=row["id"],
                    title=row["title"],
                    slug=row["slug"],
                    aliases=aliases.get(row["id"], ()),
                ),
                reaction_count=row["reaction_count"],
            )
            for row in rows
        ]
        # Sorted here rather than in SQL: COLLATE NOCASE folds ASCII letters only.
        summaries.sort(key=lambda summary: (summary.movie.title.casefold(), summary.movie.id))
        return summaries

    async def _audit(
        self, guild: int, audit: AuditInfo, action: AuditAction, target: str, reason: str | None
    ) -> int:
        """Write an audit row inside the caller's transaction, so it stands or falls with it."""
        row = await self._one(
            _INSERT_AUDIT,
            {
                "guild": guild,
                "user_id": audit.user_id,
                "action": str(action),
                "target": target,
                "reason": reason,
                "created_at": None,
            },
        )
        if row is None:  # pragma: no cover - INSERT ... RETURNING always returns
            raise StoreError("inserting the audit row returned no id")
        return int(row["id"])

    async def _article_summary(self, row: aiosqlite.Row, guild: int) -> ArticleSummary:
        movie = await self._movie(row["movie_id"], guild)
        if movie is None:  # pragma: no cover - articles.movie_id is a foreign key
            raise StoreError(f"article {row['id']} points at a missing movie")
        return ArticleSummary(
            id=row["id"],
            title=row["title"],
            source=row["source"],
            movie=movie,
            reaction_count=row["reaction_count"],
            is_global=row["guild_id"] == GLOBAL_SCOPE,
            created_at=row["created_at"],
        )

    async def _reaction_for_guild(self, reaction_id: int, guild: int) -> StoredReaction | None:
        row = await self._one(
            _SELECT_REACTION_FOR_GUILD, {"reaction_id": reaction_id, "guild": guild}
        )
        return None if row is None else _stored_reaction(row)

    async def _schedule_row(self, schedule_id: int) -> aiosqlite.Row:
        row = await self._one(_SELECT_SCHEDULE, {"schedule_id": schedule_id})
        if row is None:
            raise LookupError(f"no schedule has id {schedule_id}")
        return row

    # The ReactionStore interface: connection.

    async def close(self) -> None:
        """Close the underlying connection; closing twice is harmless."""
        if self._closed:
            return
        self._closed = True
        async with self._lock:
            await self._connection.close()

    async def schema_version(self) -> int:
        """Return the schema version the database is at."""
        async with self._lock:
            return await read_schema_version(self._connection)

    # Articles and reactions.

    async def ingest_article(
        self,
        article: Article,
        *,
        content_hash: str,
        guild_id: int | None = None,
        audit: AuditInfo | None = None,
    ) -> IngestResult:
        """Store an article and its reactions in one transaction; idempotent by hash.

        The same ``content_hash`` in the same scope (global, or one guild) is stored once:
        a second call stores nothing and returns ``created=False`` with the first article's
        id. A post already stored for the movie, from another article, is linked rather
        than stored again and counted in ``known_reactions``. With ``audit``, a stored
        article is recorded as ``article.add`` in the same transaction.
        """
        if article.movie is None:
            raise ValueError("an article needs a movie before it can be stored")
        if not article.movie.slug:
            raise ValueError(f"the movie title {article.movie.title!r} has no letters or digits")
        if not content_hash:
            raise ValueError("content_hash must not be empty")
        guild = _scope(guild_id)
        staged = _staging_rows(article.reactions)
        async with self._transaction(write=True):
            existing = await self._one(
                _SELECT_ARTICLE_BY_HASH, {"guild": guild, "content_hash": content_hash}
            )
            if existing is not None:
                movie = await self._movie(existing["movie_id"], guild)
                if movie is None:  # pragma: no cover - articles.movie_id is a foreign key
                    raise StoreError(f"article {existing['id']} points at a missing movie")
                return IngestResult(
                    article_id=existing["id"],
                    movie=movie,
                    created=False,
                    new_reactions=0,
                    known_reactions=0,
                )
            await self._run(
                _INSERT_MOVIE, {"title": article.movie.title, "slug": article.movie.slug}
            )
            movie_row = await self._one(_SELECT_MOVIE_BY_SLUG, {"slug": article.movie.slug})
            if movie_row is None:  # pragma: no cover - inserted or found just above
                raise StoreError(f"movie {article.movie.slug!r} vanished during ingest")
            found = await self._movie(movie_row["id"], guild)
            if found is None:  # pragma: no cover - found by slug just above
                raise StoreError(f"movie {article.movie.slug!r} vanished during ingest")
            movie = found
            article_row = await self._one(
                _INSERT_ARTICLE,
                {
                    "guild": guild,
                    "content_hash": content_hash,
                    "movie_id": movie.id,
                    "title": article.title,
                    "source": article.source,
                    "published": article.published,
                    "spoiler": article.spoiler,
                },
            )
            if article_row is None:  # pragma: no cover - INSERT ... RETURNING always returns
                raise StoreError("inserting the article returned no id")
            article_id = int(article_row["id"])
            await self._run(_CREATE_STAGING)
            await self._run(_CLEAR_STAGING)
            await self._connection.executemany(_INSERT_STAGING, staged)
            known = await self._scalar(_COUNT_KNOWN_STAGED, {"movie_id": movie.id})
            await self._run(_INSERT_NEW_REACTIONS, {"movie_id": movie.id})
            await self._run(
                _INSERT_LINKS, {"article_id": article_id, "movie_id": movie.id, "guild": guild}
            )
            await self._run(_CLEAR_STAGING)
            if audit is not None:
                await self._audit(
                    guild,
                    audit,
                    AuditAction.ARTICLE_ADD,
                    f"article:{article_id}{_quoted(article.title)}",
                    audit.reason,
                )
        return IngestResult(
            article_id=article_id,
            movie=movie,
            created=True,
            new_reactions=len(staged) - known,
            known_reactions=known,
        )

    async def known_reaction_count(self, article: Article) -> int:
        """Return how many of the article's posts are already stored for its movie.

        Counts each post once (as ingest stores it), by its natural key, in any scope: it
        predicts ingest's ``known_reactions``. Reads only; nothing is written, not even a
        temporary table. An article without a movie, or about an unknown movie, knows 0.
        """
        if article.movie is None or not article.movie.slug:
            return 0
        staged = _staging_rows(article.reactions)
        async with self._transaction(write=False):
            movie_row = await self._one(_SELECT_MOVIE_BY_SLUG, {"slug": article.movie.slug})
            if movie_row is None:
                return 0
            known = 0
            for row in staged:
                params = {"movie_id": movie_row["id"], "key_hash": row["key_hash"]}
                if await self._one(_REACTION_KNOWN, params) is not None:
                    known += 1
        return known

    async def list_articles(
        self, guild_id: int | None, *, movie_id: int | None = None, offset: int, limit: int
    ) -> ArticlePage:
        """Return the articles visible in the guild (global and its own), newest first."""
        _check_page(offset, limit)
        guild = _scope(guild_id)
        params = {"guild": guild, **_movie_bounds(movie_id), "offset": offset, "limit": limit}
        async with self._transaction(write=False):
            total = await self._scalar(_COUNT_ARTICLES, params)
            rows = await self._all(_LIST_ARTICLES, params)
            articles = [await self._article_summary(row, guild) for row in rows]
        return ArticlePage(articles=tuple(articles), offset=offset, total=total)

    async def get_article(self, article_id: int, guild_id: int | None) -> ArticleSummary | None:
        """Return the article if it is global or the guild's own, else None."""
        guild = _scope(guild_id)
        async with self._transaction(write=False):
            row = await self._one(_SELECT_ARTICLE, {"article_id": article_id, "guild": guild})
            return None if row is None else await self._article_summary(row, guild)

    async def remove_article(
        self, article_id: int, guild_id: int | None, *, audit: AuditInfo | None = None
    ) -> RemoveResult:
        """Remove the guild's own article and the reactions no other article quotes.

        Another guild's article answers NOT_FOUND, as a missing one does. A global article
        answers GLOBAL and stays, whoever asks (also with no guild: the CLI's articles are
        managed through the articles folder). All of it, and the audit row, in one
        transaction.
        """
        guild = _scope(guild_id)
        async with self._transaction(write=True):
            row = await self._one(_SELECT_ARTICLE, {"article_id": article_id, "guild": guild})
            if row is None:
                return RemoveResult(RemoveOutcome.NOT_FOUND)
            if row["guild_id"] == GLOBAL_SCOPE:
                return RemoveResult(RemoveOutcome.GLOBAL)
            removed = await self._all(_DELETE_ORPHANED_REACTIONS, {"article_id": article_id})
            await self._run(_DELETE_ARTICLE, {"article_id": article_id})
            if audit is not None:
                await self._audit(
                    guild,
                    audit,
                    AuditAction.ARTICLE_REMOVE,
                    f"article:{article_id}{_quoted(row['title'])}",
                    audit.reason,
                )
        return RemoveResult(RemoveOutcome.REMOVED, removed_reactions=len(removed))

    async def get_reaction(self, reaction_id: int, guild_id: int | None) -> StoredReaction | None:
        """Return the reaction with the guild's flags, hidden or not, if the guild sees it.

        None when no such reaction exists or only other guilds' articles quote it.
        """
        guild = _scope(guild_id)
        async with self._transaction(write=False):
            return await self._reaction_for_guild(reaction_id, guild)

    async def set_reaction_state(
        self,
        guild_id: int,
        reaction_id: int,
        *,
        hidden: bool | None = None,
        featured: bool | None = None,
        reason: str | None = None,
        audit: AuditInfo | None = None,
    ) -> bool:
        """Hide/unhide or feature/unfeature a reaction in one guild; False if not visible.

        ``None`` leaves a flag as it is. ``reason`` goes with ``hidden=True``; un-hiding
        clears it. A reaction the guild cannot see (only other guilds' articles quote it)
        answers False, as a missing one does. With ``audit``, one row per flag given.
        """
        if reason is not None and hidden is not True:
            raise ValueError("a reason can only be given when hiding a reaction")
        guild = _guild_only(guild_id, "curation state")
        async with self._transaction(write=True):
            visible = {"reaction_id": reaction_id, "guild": guild}
            if await self._one(_REACTION_EXISTS, visible) is None:
                return False
            await self._run(
                _UPSERT_REACTION_STATE,
                {
                    "guild": guild,
                    "reaction_id": reaction_id,
                    "hidden": hidden,
                    "featured": featured,
                    "reason": reason,
                },
            )
            if audit is not None:
                target = f"reaction:{reaction_id}"
                if hidden is not None:
                    action = AuditAction.REACTION_HIDE if hidden else AuditAction.REACTION_UNHIDE
                    why = audit.reason if audit.reason is not None else reason
                    await self._audit(guild, audit, action, target, why)
                if featured is not None:
                    action = (
                        AuditAction.REACTION_FEATURE if featured else AuditAction.REACTION_UNFEATURE
                    )
                    await self._audit(guild, audit, action, target, audit.reason)
        return True

    # Movies.

    async def get_movie(self, movie_id: int, guild_id: int | None = None) -> Movie | None:
        """Return the movie with this id, or None.

        With no guild: any movie, under its own title and with global aliases. With a
        guild: under that guild's title and with its aliases too, and None unless an
        article the guild can see is about it (another server's movie stays unknown).
        """
        guild = _scope(guild_id)
        async with self._transaction(write=False):
            if guild != GLOBAL_SCOPE and not await self._movie_visible(movie_id, guild):
                return None
            return await self._movie(movie_id, guild)

    async def find_movie(self, key: str, guild_id: int | None = None) -> Movie | None:
        """Return the movie whose slug, guild title or alias matches ``key``.

        ``key`` is slugified first, so ``12th Fail``, ``12TH-FAIL`` and ``12thfail`` are
        the same key. The movie's own slug wins, then the guild's display title, the
        guild's aliases, titles the guild used before, and global aliases. Only movies with
        an article visible in the guild are found: another server's movie stays unknown
        here (``get_movie`` without a guild finds any movie by id).
        """
        slug = slugify(key)
        if not slug:
            return None
        guild = _scope(guild_id)
        async with self._transaction(write=False):
            row = await self._one(_FIND_MOVIE, {"slug": slug, "guild": guild})
            if row is None:
                return None
            return await self._movie_from_row(row, guild)

    async def movie_names(self, guild_id: int | None) -> list[tuple[Movie, str]]:
        """Return ``(movie, name)`` for every title and visible alias, for fuzzy matching.

        Only movies with a reaction visible in the guild are named, the same movies
        ``list_movies`` shows, so a suggestion never points at another server's movie.
        A movie the guild renamed is named by its display title, then its own title and
        the guild's earlier titles (``find_movie`` still knows them), then its aliases.
        """
        guild = _scope(guild_id)
        async with self._transaction(write=False):
            summaries = await self._visible_movies(guild)
            titles: dict[int, list[str]] = {}
            if guild != GLOBAL_SCOPE:
                for row in await self._all(_SELECT_GUILD_TITLES, {"guild": guild}):
                    titles.setdefault(row["movie_id"], []).append(row["title"])
                originals = {
                    summary.movie.id: await self._one(
                        _SELECT_MOVIE_BY_ID, {"movie_id": summary.movie.id}
                    )
                    for summary in summaries
                    if summary.movie.id in titles
                }
        names: list[tuple[Movie, str]] = []
        for summary in summaries:
            movie = summary.movie
            movie_titles = [movie.title]
            if movie.id in titles:
                original = originals.get(movie.id)
                if original is not None:
                    movie_titles.append(original["title"])
                movie_titles.extend(titles[movie.id])
            seen: set[str] = set()
            for name in [*movie_titles, *movie.aliases]:
                if name not in seen:
                    seen.add(name)
                    names.append((movie, name))
        return names

    async def list_movies(self, guild_id: int | None) -> list[MovieSummary]:
        """Return every movie with visible reactions in the guild, by title (any case)."""
        guild = _scope(guild_id)
        async with self._transaction(write=False):
            return await self._visible_movies(guild)

    async def add_alias(
        self,
        movie_id: int,
        alias: str,
        *,
        guild_id: int | None = None,
        audit: AuditInfo | None = None,
    ) -> bool:
        """Give a movie another name, global or for one guild; False if the name is taken.

        A name is taken when its slug is any movie's slug, an alias in the same scope, or
        (for a guild alias) a title the guild gave another movie. Raises UnknownMovie when
        no movie has this id, or, for a guild alias, when the guild cannot see the movie.
        """
        name = " ".join(alias.split())
        alias_slug = slugify(name)
        if not alias_slug:
            raise ValueError(f"the alias {alias!r} has no letters or digits")
        guild = _scope(guild_id)
        async with self._transaction(write=True):
            if await self._one(_SELECT_MOVIE_BY_ID, {"movie_id": movie_id}) is None:
                raise UnknownMovie(str(movie_id))
            if guild != GLOBAL_SCOPE and not await self._movie_visible(movie_id, guild):
                raise UnknownMovie(str(movie_id))
            if await self._one(_SELECT_MOVIE_BY_SLUG, {"slug": alias_slug}) is not None:
                return False
            if guild != GLOBAL_SCOPE:
                owner = await self._one(_SELECT_TITLE_OWNER, {"guild": guild, "slug": alias_slug})
                if owner is not None and owner["movie_id"] != movie_id:
                    return False
            inserted = await self._one(
                _INSERT_ALIAS,
                {"movie_id": movie_id, "guild": guild, "alias": name, "alias_slug": alias_slug},
            )
            if inserted is not None and audit is not None:
                await self._audit(
                    guild,
                    audit,
                    AuditAction.MOVIE_ALIAS,
                    f"movie:{movie_id}{_quoted(name)}",
                    audit.reason,
                )
        return inserted is not None

    async def rename_movie(
        self, movie_id: int, guild_id: int, new_title: str, *, audit: AuditInfo | None = None
    ) -> Movie:
        """Set the movie's display title in one guild and return the movie as it sees it.

        Movies are shared, so other guilds keep their titles. The movie's own title and
        the guild's earlier titles keep finding it there. Renaming to the movie's own
        title drops the guild's title. Raises ValueError when the title has no letters or
        digits or already names another movie in the guild, and UnknownMovie when the
        guild cannot see the movie.
        """
        title = " ".join(new_title.split())
        title_slug = slugify(title)
        if not title_slug:
            raise ValueError(f"the title {new_title!r} has no letters or digits")
        guild = _guild_only(guild_id, "a movie's display title")
        async with self._transaction(write=True):
            original = await self._one(_SELECT_MOVIE_BY_ID, {"movie_id": movie_id})
            if original is None or not await self._movie_visible(movie_id, guild):
                raise UnknownMovie(str(movie_id))
            before = await self._movie(movie_id, guild)
            taken = await self._one(_FIND_MOVIE, {"slug": title_slug, "guild": guild})
            if taken is not None and taken["id"] != movie_id:
                raise ValueError(
                    f"“{title}” already names the movie “{taken['title']}” in this server"
                )
            await self._run(_RETIRE_TITLE, {"guild": guild, "movie_id": movie_id})
            if title != original["title"]:
                await self._run(
                    _UPSERT_TITLE,
                    {
                        "guild": guild,
                        "title_slug": title_slug,
                        "movie_id": movie_id,
                        "title": title,
                    },
                )
            if audit is not None:
                old = before.title if before is not None else original["title"]
                await self._audit(
                    guild,
                    audit,
                    AuditAction.MOVIE_RENAME,
                    f'movie:{movie_id} "{old}" -> "{title}"',
                    audit.reason,
                )
            movie = await self._movie(movie_id, guild)
        if movie is None:  # pragma: no cover - checked inside the transaction
            raise UnknownMovie(str(movie_id))
        return movie

    # Reading reactions.

    async def reaction_page(
        self, movie_id: int, guild_id: int | None, *, offset: int, limit: int
    ) -> ReactionPage:
        """Return visible reactions of a movie, featured first, then in article order.

        Raises UnknownMovie when no movie has this id. An offset past the end gives an
        empty page with the real total.
        """
        _check_page(offset, limit)
        guild = _scope(guild_id)
        params = {"movie_id": movie_id, "guild": guild}
        async with self._transaction(write=False):
            movie = await self._movie(movie_id, guild)
            if movie is None:
                raise UnknownMovie(str(movie_id))
            total = await self._scalar(_COUNT_VISIBLE, params)
            featured = await self._all(_SELECT_FEATURED, params) if guild else []
            rows = featured[offset : offset + limit]
            if len(rows) < limit:
                rows += await self._all(
                    _SELECT_UNFEATURED,
                    {
                        **params,
                        "offset": max(0, offset - len(featured)),
                        "limit": limit - len(rows),
                    },
                )
        return ReactionPage(
            movie=movie,
            reactions=tuple(_stored_reaction(row) for row in rows),
            offset=offset,
            total=total,
        )

    async def search_reactions(
        self,
        query: str,
        guild_id: int | None,
        *,
        movie_id: int | None = None,
        offset: int,
        limit: int,
    ) -> SearchPage:
        """Return visible reactions whose text, author or handle hold every word of ``query``.

        Best matches first. Words are matched as plain text (prefix and boolean syntax are
        not interpreted); a query with no letters or digits matches nothing.
        """
        _check_page(offset, limit)
        match = _fts_query(query)
        if not match:
            return SearchPage(query=query, reactions=(), offset=offset, total=0)
        guild = _scope(guild_id)
        params = {
            "query": match,
            "guild": guild,
            "movie_id": movie_id,
            "offset": offset,
            "limit": limit,
        }
        async with self._transaction(write=False):
            total = await self._scalar(_COUNT_SEARCH, params)
            rows = await self._all(_SEARCH, params)
        return SearchPage(
            query=query,
            reactions=tuple(_stored_reaction(row) for row in rows),
            offset=offset,
            total=total,
        )

    async def random_reaction(
        self, guild_id: int | None, *, movie_id: int | None = None, rng_seed: int | None = None
    ) -> StoredReaction | None:
        """Return a uniformly random visible reaction (never a hidden one), or None.

        First up to RANDOM_PROBES ids drawn uniformly from the id range are tried in one
        statement (each a primary-key look-up); the first visible one is a uniform pick.
        When the visible reactions are too sparse among the ids for that (a small movie,
        a guild that hid most), they are counted and one is taken at a random offset,
        which is uniform too. Nothing sorts the table by random().
        """
        guild = _scope(guild_id)
        # Picking a post to show members, not a secret: a seedable PRNG is what tests need.
        rng = random.Random(rng_seed)  # noqa: S311
        params: dict[str, Any] = {"guild": guild, **_movie_bounds(movie_id)}
        async with self._transaction(write=False):
            chosen: int | None = None
            bounds = await self._one(_REACTION_ID_RANGE)
            if bounds is not None and bounds["low"] is not None:
                draws = [rng.randint(bounds["low"], bounds["high"]) for _ in range(RANDOM_PROBES)]
                row = await self._one(_RANDOM_PROBE, {**params, "candidates": json.dumps(draws)})
                chosen = None if row is None else int(row["id"])
            if chosen is None:
                total = await self._scalar(_COUNT_UNHIDDEN, params)
                if total == 0:
                    return None
                row = await self._one(_NTH_UNHIDDEN, {**params, "offset": rng.randrange(total)})
                if row is None:  # pragma: no cover - counted in the same transaction
                    return None
                chosen = int(row["id"])
            return await self._reaction_for_guild(chosen, guild)

    async def stats(self, guild_id: int | None, *, movie_id: int | None = None) -> Stats:
        """Return counts and the most quoted authors, as the guild sees them.

        ``movies`` have a visible reaction; ``articles`` are global or the guild's own;
        ``reactions`` leave out the hidden; ``featured`` and ``hidden`` are the guild's
        flags on reactions it can see; ``top_authors`` are the five authors with the
        most visible reactions, labelled "Name (@handle)" or whichever is known.
        """
        guild = _scope(guild_id)
        params: dict[str, Any] = {"guild": guild, **_movie_bounds(movie_id)}
        async with self._transaction(write=False):
            counts = await self._one(_STATS_REACTIONS, params)
            articles = await self._scalar(_COUNT_ARTICLES, params)
            authors = await self._all(_TOP_AUTHORS, {**params, "limit": TOP_AUTHORS})
        if counts is None:  # pragma: no cover - an aggregate always returns a row
            raise StoreError("counting reactions returned nothing")
        return Stats(
            movies=counts["movies"],
            articles=articles,
            reactions=counts["reactions"],
            featured=counts["featured"],
            hidden=counts["hidden"],
            top_authors=[
                (_author_label(row["name"], row["handle"]), row["quoted"]) for row in authors
            ],
        )

    # Guild settings and audit.

    async def get_guild_settings(self, guild_id: int | None) -> GuildSettings:
        """Return the guild's settings, the defaults when it never changed them."""
        guild = _scope(guild_id)
        async with self._transaction(write=False):
            row = await self._one(_SELECT_SETTINGS, {"guild": guild})
        return _settings(guild, row)

    async def update_guild_settings(
        self,
        guild_id: int,
        *,
        mod_role_id: int | Unset | None = UNSET,
        spoiler_mode: str | Unset = UNSET,
        page_size: int | Unset = UNSET,
        audit: AuditInfo | None = None,
    ) -> GuildSettings:
        """Change the settings given and return them all; ``mod_role_id=None`` clears it.

        Raises ValueError, changing nothing, for a role id that is not positive, a spoiler
        mode other than ``always``/``flagged``, or a page size outside 1..10.
        """
        guild = _guild_only(guild_id, "a setting")
        changes: dict[str, object] = {}
        if not isinstance(mod_role_id, Unset):
            if mod_role_id is not None and (isinstance(mod_role_id, bool) or mod_role_id <= 0):
                raise ValueError(f"mod_role_id must be a role id or None, got {mod_role_id!r}")
            changes["mod_role_id"] = mod_role_id
        if not isinstance(spoiler_mode, Unset):
            if spoiler_mode not in SPOILER_MODES:
                modes = ", ".join(SPOILER_MODES)
                raise ValueError(f"spoiler_mode must be one of {modes}, got {spoiler_mode!r}")
            changes["spoiler_mode"] = spoiler_mode
        if not isinstance(page_size, Unset):
            if isinstance(page_size, bool) or not MIN_PAGE_SIZE <= page_size <= MAX_PAGE_SIZE:
                raise ValueError(
                    f"page_size must be between {MIN_PAGE_SIZE} and {MAX_PAGE_SIZE}, "
                    f"got {page_size!r}"
                )
            changes["page_size"] = page_size
        async with self._transaction(write=True):
            current = _settings(guild, await self._one(_SELECT_SETTINGS, {"guild": guild}))
            updated = GuildSettings(
                guild_id=guild,
                mod_role_id=(
                    current.mod_role_id if isinstance(mod_role_id, Unset) else mod_role_id
                ),
                spoiler_mode=(
                    current.spoiler_mode if isinstance(spoiler_mode, Unset) else spoiler_mode
                ),
                page_size=current.page_size if isinstance(page_size, Unset) else page_size,
            )
            await self._run(
                _UPSERT_SETTINGS,
                {
                    "guild": guild,
                    "mod_role_id": updated.mod_role_id,
                    "spoiler_mode": updated.spoiler_mode,
                    "page_size": updated.page_size,
                },
            )
            if audit is not None and changes:
                target = " ".join(f"{name}={value}" for name, value in changes.items())
                await self._audit(guild, audit, AuditAction.SETTINGS_UPDATE, target, audit.reason)
        return updated

    async def record_audit(
        self,
        guild_id: int | None,
        user_id: int,
        action: str,
        target: str,
        reason: str | None = None,
        *,
        at: datetime | None = None,
    ) -> int:
        """Record a moderator action on its own (``at`` defaults to now); return its id.

        For a change the store makes, pass ``audit=`` to that method instead, so the row
        is written in the change's own transaction.
        """
        if not action:
            raise ValueError("an audit row needs an action")
        guild = _scope(guild_id)
        async with self._transaction(write=True):
            row = await self._one(
                _INSERT_AUDIT,
                {
                    "guild": guild,
                    "user_id": user_id,
                    "action": action,
                    "target": target,
                    "reason": reason,
                    "created_at": None if at is None else to_utc_text(at),
                },
            )
        if row is None:  # pragma: no cover - INSERT ... RETURNING always returns
            raise StoreError("inserting the audit row returned no id")
        return int(row["id"])

    async def list_audit(self, guild_id: int | None, limit: int) -> list[AuditEntry]:
        """Return the guild's ``limit`` most recent audit rows, newest first."""
        if limit < 1:
            raise ValueError(f"need limit >= 1, got {limit}")
        guild = _scope(guild_id)
        async with self._transaction(write=False):
            rows = await self._all(_LIST_AUDIT, {"guild": guild, "limit": limit})
        return [
            AuditEntry(
                id=row["id"],
                guild_id=row["guild_id"],
                user_id=row["user_id"],
                action=row["action"],
                target=row["target"],
                reason=row["reason"],
                created_at=row["created_at"],
            )
            for row in rows
        ]

    # Schedules.

    async def set_schedule(
        self,
        guild_id: int,
        channel_id: int,
        *,
        every: str,
        at: str | None,
        movie_id: int | None,
        now: datetime,
        audit: AuditInfo | None = None,
    ) -> Schedule:
        """Create or replace the channel's schedule; its first run is the next slot after now.

        ``every`` is ``1h``, ``6h`` or ``daily``; ``at`` (``HH:MM`` UTC) goes with daily
        only and defaults to 09:00. Setting a paused schedule again resumes it; a new movie
        starts a new cycle. ``created_by`` is ``audit.user_id`` (0 without one). Raises
        ValueError for bad values and UnknownMovie for a movie the guild cannot see.
        """
        guild = _guild_only(guild_id, "a schedule")
        if channel_id <= 0:
            raise ValueError(f"channel ids are positive snowflakes, got {channel_id}")
        daily_at = normalise_at(every, at)
        first = next_run(every, daily_at, now)
        async with self._transaction(write=True):
            if movie_id is not None and not await self._movie_visible(movie_id, guild):
                raise UnknownMovie(str(movie_id))
            before = await self._one(
                _SELECT_CHANNEL_SCHEDULE, {"guild": guild, "channel_id": channel_id}
            )
            row = await self._one(
                _UPSERT_SCHEDULE,
                {
                    "guild": guild,
                    "channel_id": channel_id,
                    "every": every,
                    "at": daily_at,
                    "movie_id": movie_id,
                    "next_run_at": to_utc_text(first),
                    "created_by": audit.user_id if audit is not None else 0,
                },
            )
            if row is None:  # pragma: no cover - INSERT ... RETURNING always returns
                raise StoreError("saving the schedule returned no row")
            if before is not None and before["movie_id"] != movie_id:
                await self._run(_CLEAR_SCHEDULE_POSTS, {"schedule_id": row["id"]})
            if audit is not None:
                target = f"channel:{channel_id} {every}"
                if daily_at is not None:
                    target += f" at {daily_at}"
                if movie_id is not None:
                    target += f" movie:{movie_id}"
                await self._audit(guild, audit, AuditAction.SCHEDULE_SET, target, audit.reason)
        return _schedule(row)

    async def list_schedules(self, guild_id: int) -> list[Schedule]:
        """Return the guild's schedules by channel (none for "no guild")."""
        guild = _scope(guild_id)
        async with self._transaction(write=False):
            rows = await self._all(_LIST_SCHEDULES, {"guild": guild})
        return [_schedule(row) for row in rows]

    async def stop_schedule(
        self, guild_id: int, channel_id: int, *, audit: AuditInfo | None = None
    ) -> bool:
        """Delete the channel's schedule and its cycle; False (and no audit) if it had none."""
        guild = _guild_only(guild_id, "a schedule")
        async with self._transaction(write=True):
            deleted = await self._one(_DELETE_SCHEDULE, {"guild": guild, "channel_id": channel_id})
            if deleted is not None and audit is not None:
                await self._audit(
                    guild, audit, AuditAction.SCHEDULE_STOP, f"channel:{channel_id}", audit.reason
                )
        return deleted is not None

    async def due_schedules(self, now: datetime) -> list[Schedule]:
        """Return every running schedule, in any guild, whose next run is at or before now."""
        moment = to_utc_text(now)
        async with self._transaction(write=False):
            rows = await self._all(_DUE_SCHEDULES, {"now": moment})
        return [_schedule(row) for row in rows]

    async def pause_schedule(self, schedule_id: int, reason: str) -> None:
        """Keep a schedule from coming due until it is set again; LookupError if none."""
        async with self._transaction(write=True):
            paused = await self._one(
                _PAUSE_SCHEDULE, {"schedule_id": schedule_id, "reason": reason}
            )
        if paused is None:
            raise LookupError(f"no schedule has id {schedule_id}")

    async def pick_scheduled_reaction(self, schedule_id: int) -> StoredReaction | None:
        """Return the reaction the schedule posts next, or None if the guild sees none.

        The guild's featured reactions come first, then the rest in page order; hidden
        ones never. A reaction posted in this cycle is not picked again until every
        visible one has been; then the cycle starts over (complete_schedule_run records
        it). Reads only. None also for a schedule that no longer exists.
        """
        async with self._transaction(write=False):
            schedule = await self._one(_SELECT_SCHEDULE, {"schedule_id": schedule_id})
            if schedule is None:
                return None
            guild = int(schedule["guild_id"])
            movie_id: int | None = schedule["movie_id"]
            walk = _NEXT_SCHEDULED_ANY if movie_id is None else _NEXT_SCHEDULED_OF_MOVIE
            for skip_posted in (1, 0):
                params = {
                    "schedule_id": schedule_id,
                    "guild": guild,
                    "movie_id": movie_id,
                    "skip_posted": skip_posted,
                    **_movie_bounds(movie_id),
                }
                row = await self._one(_NEXT_SCHEDULED_FEATURED, params)
                if row is None:
                    row = await self._one(walk, params)
                if row is not None:
                    return await self._reaction_for_guild(int(row["id"]), guild)
        return None

    async def complete_schedule_run(
        self, schedule_id: int, reaction_id: int | None, *, now: datetime
    ) -> Schedule:
        """Record a run's post (if any) and move the schedule to its next slot after now.

        However many slots were missed (the bot was down), the next run is the first slot
        after ``now``: one post catches up for all of them. Posting a reaction already
        posted in this cycle starts a new cycle. One transaction. LookupError if the
        schedule no longer exists (stopped meanwhile).
        """
        moment = to_utc_text(now)
        async with self._transaction(write=True):
            schedule = await self._schedule_row(schedule_id)
            if reaction_id is not None:
                posted = {"schedule_id": schedule_id, "reaction_id": reaction_id}
                if await self._one(_SCHEDULE_POSTED, posted) is not None:
                    await self._run(_CLEAR_SCHEDULE_POSTS, {"schedule_id": schedule_id})
                await self._run(_INSERT_SCHEDULE_POST, {**posted, "now": moment})
            following = next_run(schedule["every"], schedule["at"], now)
            row = await self._one(
                _ADVANCE_SCHEDULE,
                {"schedule_id": schedule_id, "next_run_at": to_utc_text(following), "now": moment},
            )
        if row is None:  # pragma: no cover - the row was read in the same transaction
            raise LookupError(f"no schedule has id {schedule_id}")
        return _schedule(row)

    # Bot facts and counts.

    async def get_meta(self, key: str) -> str | None:
        """Return the bot's stored fact ``key``, or None."""
        async with self._transaction(write=False):
            row = await self._one(_SELECT_META, {"key": key})
        return None if row is None else str(row[0])

    async def set_meta(self, key: str, value: str) -> None:
        """Store the bot's fact ``key``."""
        async with self._transaction(write=True):
            await self._run(_UPSERT_META, {"key": key, "value": value})

    async def counts(self) -> StoreCounts:
        """Return row counts of movies, articles and reactions."""
        async with self._transaction(write=False):
            row = await self._one(_COUNTS)
        if row is None:  # pragma: no cover - a SELECT without FROM always returns a row
            raise StoreError("counting rows returned nothing")
        return StoreCounts(movies=row[0], articles=row[1], reactions=row[2])


async def open_sqlite_store(
    path: str | Path, *, migrations: Sequence[Migration] | None = None
) -> SQLiteStore:
    """Open (creating it and its folder if needed), configure and migrate the database.

    Raises StoreError with a one-line message when the file is not a usable database,
    when a migration fails, or when the schema is newer than this code.
    """
    target = str(path)
    if target != ":memory:":
        await asyncio.to_thread(Path(target).parent.mkdir, parents=True, exist_ok=True)
    # isolation_level=None: the store issues BEGIN/COMMIT itself; the sqlite3 module's
    # implicit transactions would otherwise open one behind its back.
    connection = await aiosqlite.connect(target, isolation_level=None)
    try:
        connection.row_factory = aiosqlite.Row
        for pragma in _PRAGMAS:
            async with connection.execute(pragma):
                pass
        async with connection.execute(_SET_WAL) as cursor:
            mode_row = await cursor.fetchone()
        mode = str(mode_row[0]) if mode_row is not None else "unknown"
        if mode.lower() != "wal" and target != ":memory:":
            log.warning("SQLite refused WAL mode for %s (journal_mode=%s)", target, mode)
        version = await migrate(connection, migrations)
    except sqlite3.Error as error:
        await connection.close()
        reason = " ".join(str(error).split())
        raise StoreError(f"cannot open the database {target}: {reason}") from error
    except BaseException:
        await connection.close()
        raise
    log.info("Database %s is at schema version %d", target, version)
    return SQLiteStore(connection)


def _satisfies_protocol(store: SQLiteStore) -> ReactionStore:
    # Never called: makes mypy prove SQLiteStore implements every ReactionStore method.
    return store
