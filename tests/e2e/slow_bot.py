"""Run ``python -m bot`` with two slow spots, for e2e tests of Discord's deadlines.

Slow work is hard to produce on demand against a small database, so this stand-in makes
it deterministic and leaves everything else real:

- a movie query starting with ``slowfail`` waits ``SLOW_BOT_SECONDS`` before it is
  looked up (and then fails: no movie has that name), like a busy database;
- storing an article whose movie title contains ``Slow Ingest`` waits as long first.

Run as ``python -m tests.e2e.slow_bot`` from the repository root.
"""

from __future__ import annotations

import asyncio
import os
import runpy
from typing import Any

from bot.services import lookup
from bot.store.repos.store import Store

DELAY = float(os.environ.get("SLOW_BOT_SECONDS", "1.5"))
_resolve_movie = lookup.resolve_movie
_ingest_article = Store.ingest_article


async def slow_resolve_movie(store: Any, query: str, guild_id: int | None) -> Any:
    """Wait before a ``slowfail…`` lookup (cogs import this after the patch below)."""
    if query.strip().lower().startswith("slowfail"):
        await asyncio.sleep(DELAY)
    return await _resolve_movie(store, query, guild_id)


async def slow_ingest_article(self: Store, article: Any, *args: Any, **kwargs: Any) -> Any:
    """Wait before storing an article about a "Slow Ingest" movie."""
    movie = getattr(article, "movie", None)
    if movie is not None and "slow ingest" in movie.title.lower():
        await asyncio.sleep(DELAY)
    return await _ingest_article(self, article, *args, **kwargs)


lookup.resolve_movie = slow_resolve_movie
Store.ingest_article = slow_ingest_article  # type: ignore[method-assign,assignment]

if __name__ == "__main__":
    runpy.run_module("bot", run_name="__main__", alter_sys=True)
