-- 0006_search_queries: search queries too long for a pager button's custom id (Discord's
-- 100 characters), kept under a short key the button carries instead (issue 12).
-- used_at is UTC text in the fixed-width format 'YYYY-MM-DDTHH:MM:SS.mmmZ'; rows not
-- used for a while are pruned.

CREATE TABLE search_queries (
    key      TEXT PRIMARY KEY,
    query    TEXT NOT NULL,
    used_at  TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX search_queries_used_at ON search_queries (used_at);
