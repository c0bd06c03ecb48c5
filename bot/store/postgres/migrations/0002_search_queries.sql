-- 0002_search_queries: search queries too long for a pager button's custom id (Discord's
-- 100 characters), kept under a short key the button carries instead (issue 12); rows
-- not used for a while are pruned.

CREATE TABLE search_queries (
    key      text PRIMARY KEY,
    query    text NOT NULL,
    used_at  timestamptz NOT NULL
);

CREATE INDEX search_queries_used_at ON search_queries (used_at);
