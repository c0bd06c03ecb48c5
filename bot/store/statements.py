"""Load a backend's named statements from its .sql files (``-- name: x`` headers).

Parsing is aiosql's (its loader and parameter styles); running stays the backend's own,
so each statement is one driver call (see bot/store/sqlite/database.py). aiosql's suffixes
say what a statement returns: none for rows, ``!`` for nothing, ``*!`` for one run per
parameter set (``Session.many``).
"""

from __future__ import annotations

from importlib import resources

import aiosql

from bot.domain.errors import StoreError
from bot.store.port import Statement

_CONTEXT_MANAGER_SUFFIX = "_cursor"
"""aiosql also offers ``x_cursor`` for each select ``x``; the store never uses it."""


def load_statements(package: str, driver: str, folder: str = "queries") -> dict[str, Statement]:
    """Return every statement in ``package/folder/*.sql`` by name, in ``driver``'s style.

    ``driver`` is the aiosql adapter name (``aiosqlite``; ``asyncpg`` rewrites ``:name``
    into ``$1``). Raises StoreError when two files name the same statement.
    """
    found: dict[str, Statement] = {}
    entries = sorted(
        (entry for entry in resources.files(package).joinpath(folder).iterdir()),
        key=lambda entry: entry.name,
    )
    for entry in entries:
        if not entry.name.endswith(".sql"):
            continue
        queries = aiosql.from_str(
            entry.read_text(encoding="utf-8"),
            driver,
            mandatory_parameters=False,
            attribute=None,
        )
        names = set(queries.available_queries)
        for name in sorted(names):
            if (
                name.endswith(_CONTEXT_MANAGER_SUFFIX)
                and name[: -len(_CONTEXT_MANAGER_SUFFIX)] in names
            ):
                continue
            if name in found:
                raise StoreError(f"statement {name!r} is named twice ({entry.name})")
            query = getattr(queries, name)
            parameters = tuple(query.__signature__.parameters)[1:]
            found[name] = Statement(name=name, sql=query.sql, parameters=parameters)
    return found
