-- 0004_schedules: timed posting of reactions into a channel, one schedule per channel,
-- and which reactions a schedule already posted in its current cycle.
-- Times are UTC text in the fixed-width format 'YYYY-MM-DDTHH:MM:SS.mmmZ', so comparing
-- the text compares the times.

CREATE TABLE schedules (
    id             INTEGER PRIMARY KEY,
    guild_id       INTEGER NOT NULL CHECK (guild_id > 0),
    channel_id     INTEGER NOT NULL CHECK (channel_id > 0),
    every          TEXT NOT NULL CHECK (every IN ('1h', '6h', 'daily')),
    at             TEXT CHECK ((every = 'daily') = (at IS NOT NULL)),
    movie_id       INTEGER REFERENCES movies (id),
    next_run_at    TEXT NOT NULL,
    last_run_at    TEXT,
    paused         INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    paused_reason  TEXT,
    created_by     INTEGER NOT NULL DEFAULT 0,
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (guild_id, channel_id)
);
-- "Which schedules are due?" reads only the running ones, soonest first.
CREATE INDEX schedules_due ON schedules (next_run_at) WHERE paused = 0;

-- Emptied when a cycle ends (every visible reaction posted), so it holds one cycle.
CREATE TABLE schedule_posts (
    schedule_id  INTEGER NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    reaction_id  INTEGER NOT NULL REFERENCES reactions (id) ON DELETE CASCADE,
    posted_at    TEXT NOT NULL,
    PRIMARY KEY (schedule_id, reaction_id)
) WITHOUT ROWID;
-- Deleting a reaction (its last article removed) finds its posts without a scan.
CREATE INDEX schedule_posts_reaction ON schedule_posts (reaction_id);
