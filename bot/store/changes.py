"""What a write changes, for the caches: which cached views of which servers it makes stale.

The store's caches (bot/store/cache.py) keep values read from two views per server: its
movies (which movies it sees, under which names and aliases, with their posts as it sees
them: counts, pages, curation) and its settings. Rather than trusting every write method
to say what it touched, each named statement is classified once from its SQL: the tables
it inserts into, updates or deletes from. A write to a table a view is read from makes
that view stale, for the one server named by the statement's ``:guild`` when the table's
rows each belong to one server, and for every server otherwise (only a change of existing
rows, for the shared movies and posts, which a server sees through its articles' rows
alone). A table this module does not know makes every view of every server stale: a new
table costs reloads until it is listed here, never a stale answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.store.port import Params, Statement
from bot.store.rules import GLOBAL_SCOPE


class View(StrEnum):
    """A cached view of one server."""

    DIRECTORY = "directory"
    """Movies the server sees: titles, aliases, its own titles, their posts and curation."""
    SETTINGS = "settings"
    """The server's settings row."""


EVERY_GUILD: int | None = None
"""The guild of a change that concerns every server."""


@dataclass(frozen=True, slots=True)
class Change:
    """One view made stale: of one guild, or of every guild (``guild`` is None)."""

    view: View
    guild: int | None


# Tables whose rows each belong to one server (``guild_id``; 0 means every server's).
_PER_GUILD: Mapping[str, View] = {
    "articles": View.DIRECTORY,
    "article_reactions": View.DIRECTORY,
    "reaction_state": View.DIRECTORY,
    "movie_aliases": View.DIRECTORY,
    "movie_titles": View.DIRECTORY,
    "guild_settings": View.SETTINGS,
}
# Tables whose rows every server shares; a server sees a row of them only through rows of
# the tables above (a movie through an article about it, a post through an article's link).
_SHARED: Mapping[str, View] = {
    "movies": View.DIRECTORY,
    "reactions": View.DIRECTORY,
}
CACHED_TABLES = frozenset(_PER_GUILD) | frozenset(_SHARED)
"""Tables some cached view is read from."""
# Tables no cached view is read from.
UNCACHED_TABLES = frozenset(
    {
        "audit_log",
        "bot_meta",
        "ingest_staging",
        "schedule_posts",
        "schedules",
        "search_queries",
    }
)

_COMMENT = re.compile(r"--[^\n]*")
_TABLE = r"\s+(?:\w+\s*\.\s*)?(\w+)"  # a schema (temp., pg_temp.) is not the table
_INSERTED = re.compile(r"\bINSERT\s+(?:OR\s+\w+\s+)?INTO" + _TABLE, re.IGNORECASE)
_CHANGED = re.compile(r"\b(?:REPLACE\s+INTO|DELETE\s+FROM|UPDATE)" + _TABLE, re.IGNORECASE)
_REPLACING = re.compile(r"\bOR\s+REPLACE\b|\bDO\s+UPDATE\b", re.IGNORECASE)
_UPSERT_SET = "set"
"""``ON CONFLICT ... DO UPDATE SET`` reads as ``UPDATE set``: not a table."""


def _tables(pattern: re.Pattern[str], sql: str) -> set[str]:
    return {match[1].lower() for match in pattern.finditer(sql)} - {_UPSERT_SET}


def written_tables(sql: str) -> frozenset[str]:
    """Return the tables a statement inserts into, updates or deletes from (lower case)."""
    code = _COMMENT.sub(" ", sql)
    return frozenset(_tables(_INSERTED, code) | _tables(_CHANGED, code))


def changed_tables(sql: str) -> frozenset[str]:
    """Return the tables whose existing rows a statement may change or delete.

    A plain insert (or one that does nothing on conflict) only adds rows.
    """
    code = _COMMENT.sub(" ", sql)
    changed = _tables(_CHANGED, code)
    if _REPLACING.search(code):
        changed |= _tables(_INSERTED, code)
    return frozenset(changed)


@dataclass(frozen=True, slots=True)
class Effect:
    """The views one statement makes stale: per ``:guild`` where it can tell, else all."""

    per_guild: frozenset[View] = frozenset()
    everywhere: frozenset[View] = frozenset()

    def changes(self, params: Params | None) -> list[Change]:
        """Return the changes of one run of the statement with ``params``."""
        found = [Change(view, EVERY_GUILD) for view in self.everywhere]
        if self.per_guild:
            guild = (params or {}).get("guild")
            scoped = guild if isinstance(guild, int) and guild != GLOBAL_SCOPE else EVERY_GUILD
            found += [Change(view, scoped) for view in self.per_guild]
        return found


NO_EFFECT = Effect()


def effect_of(statement: Statement) -> Effect:
    """Classify one statement by the tables it writes (see the module docstring)."""
    per_guild: set[View] = set()
    everywhere: set[View] = set()
    changed = changed_tables(statement.sql)
    for table in written_tables(statement.sql):
        if table in UNCACHED_TABLES:
            continue
        if table in _PER_GUILD:
            if "guild" in statement.parameters:
                per_guild.add(_PER_GUILD[table])
            else:
                everywhere.add(_PER_GUILD[table])
        elif table in _SHARED:
            # A new movie or post is seen through an article's rows only: adding it
            # changes nothing until those are written.
            if table in changed:
                everywhere.add(_SHARED[table])
        else:
            everywhere.update(View)
    if not per_guild and not everywhere:
        return NO_EFFECT
    return Effect(frozenset(per_guild - everywhere), frozenset(everywhere))


def effects_of(statements: Mapping[str, Statement]) -> dict[str, Effect]:
    """Return the effect of every statement that changes a cached view, by name."""
    effects = {name: effect_of(statement) for name, statement in statements.items()}
    return {name: effect for name, effect in effects.items() if effect is not NO_EFFECT}


class ChangeLog:
    """This process's record of stale views of one database: stamps a cache compares.

    A cached value keeps the stamp taken before it was read from the database; it may be
    served while `stamp` still returns the same. Every change counts up the view's
    counter for the guild (or, for every guild, the view's epoch).
    """

    def __init__(self) -> None:
        """Start with nothing changed."""
        self._epochs: dict[View, int] = dict.fromkeys(View, 0)
        self._counters: dict[tuple[View, int], int] = {}

    def stamp(self, view: View, guild: int) -> tuple[int, int]:
        """Return what a value of ``view`` for ``guild`` read now stays valid under."""
        return self._epochs[view], self._counters.get((view, guild), 0)

    def record(self, changes: Iterable[Change]) -> None:
        """Make the views the changes name stale."""
        for change in changes:
            if change.guild is None:
                self._epochs[change.view] += 1
                # Every stamp of this view carries an older epoch now: the counters
                # can start again, so they never outgrow the guilds changed since.
                for stale in [key for key in self._counters if key[0] == change.view]:
                    del self._counters[stale]
            else:
                key = (change.view, change.guild)
                self._counters[key] = self._counters.get(key, 0) + 1

    def everything(self) -> None:
        """Make every view of every guild stale (another process wrote, or may have)."""
        self.record(Change(view, EVERY_GUILD) for view in View)


def encode(token: str, changes: Iterable[Change]) -> str:
    """Return a notification payload: the writer's token, then ``view:guild`` or ``view:*``."""
    words = sorted({f"{c.view}:{'*' if c.guild is EVERY_GUILD else c.guild}" for c in changes})
    return " ".join([token, *words])


def decode(payload: str) -> tuple[str, list[Change]]:
    """Return the writer's token and its changes; an unreadable word means every change."""
    token, *words = payload.split() or [""]
    changes: list[Change] = []
    views = {str(view) for view in View}
    for word in words:
        view, _, guild = word.partition(":")
        if view not in views or not (guild == "*" or guild.isdigit()):
            return token, [Change(view, EVERY_GUILD) for view in View]
        changes.append(Change(View(view), EVERY_GUILD if guild == "*" else int(guild)))
    return token, changes
