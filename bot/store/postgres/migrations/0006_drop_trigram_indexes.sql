-- 0006_drop_trigram_indexes: no statement reads the trigram indexes 0001 made.
--
-- They were made for "did you mean" and autocomplete, which rank names in the bot's own
-- memory instead (bot/store/directory.py and bot/services/lookup.py, on either backend),
-- so they were only kept up to date on every new title and alias. The pg_trgm extension
-- 0001 creates stays: dropping it needs its owner, and a fresh database still runs 0001.

DROP INDEX IF EXISTS movies_title_trgm;
DROP INDEX IF EXISTS movie_aliases_alias_trgm;
DROP INDEX IF EXISTS movie_titles_title_trgm;
