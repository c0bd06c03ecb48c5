"""What a store answers about the release database, as plain JSON (no bot imports).

Run by tests/fixtures/build_release_db.py under the release that built the file, and by
tests/unit/test_store_release_db.py under today's code: the two answers must be equal.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from datetime import datetime
from typing import Any

GUILD = 111_111_111_111_111_111
OTHER_GUILD = 222_222_222_222_222_222
CHANNEL = 333_333_333_333_333_333
MODERATOR = 444_444_444_444_444_444
ROLE = 555_555_555_555_555_555
LATER = datetime.fromisoformat("2026-06-02T12:00:00+00:00")


def plain(value: Any) -> Any:
    """Return ``value`` as JSON data: dataclasses as dicts, tuples as lists, times as text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: plain(getattr(value, field.name)) for field in dataclasses.fields(value)
        }
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


async def answers(store: Any) -> dict[str, Any]:
    """Ask the store everything a member or moderator can read; writes nothing."""
    found: dict[str, Any] = {}
    movies = await store.list_movies(GUILD)
    found["movies_guild"] = movies
    found["movies_global"] = await store.list_movies(None)
    found["movies_other"] = await store.list_movies(OTHER_GUILD)
    found["names_guild"] = await store.movie_names(GUILD)
    for summary in movies:
        movie_id = summary.movie.id
        for scope, guild in (("guild", GUILD), ("global", None), ("other", OTHER_GUILD)):
            found[f"page_{movie_id}_{scope}"] = await store.reaction_page(
                movie_id, guild, offset=0, limit=100
            )
            found[f"page_{movie_id}_{scope}_2"] = await store.reaction_page(
                movie_id, guild, offset=3, limit=2
            )
            found[f"stats_{movie_id}_{scope}"] = await store.stats(guild, movie_id=movie_id)
            found[f"movie_{movie_id}_{scope}"] = await store.get_movie(movie_id, guild)
    for key in ("12th fail", "twelfth", "Restart", "Zero Again", "nope"):
        found[f"find_{key}"] = await store.find_movie(key, GUILD)
    for query in ("the", "IPS", "film", "no such words at all"):
        found[f"search_{query}"] = await store.search_reactions(query, GUILD, offset=0, limit=10)
        found[f"search_{query}_global"] = await store.search_reactions(
            query, None, offset=0, limit=10
        )
    found["random"] = await store.random_reaction(GUILD, rng_seed=7)
    found["stats_guild"] = await store.stats(GUILD)
    found["articles_guild"] = await store.list_articles(GUILD, offset=0, limit=10)
    found["articles_other"] = await store.list_articles(OTHER_GUILD, offset=0, limit=10)
    found["settings_guild"] = await store.get_guild_settings(GUILD)
    found["settings_other"] = await store.get_guild_settings(OTHER_GUILD)
    found["audit"] = await store.list_audit(GUILD, 50)
    found["schedules"] = await store.list_schedules(GUILD)
    found["due"] = await store.due_schedules(LATER)
    found["meta"] = await store.get_meta("commands_hash")
    found["counts"] = await store.counts()
    found["schema_version"] = await store.schema_version()
    return {key: plain(value) for key, value in found.items()}


def dumps(found: dict[str, Any]) -> str:
    """Return the answers as stable, reviewable JSON text."""
    return json.dumps(found, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
