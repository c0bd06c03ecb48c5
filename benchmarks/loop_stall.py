"""Benchmark 3, part: how long an autocomplete burst stalls the event loop (issue 12).

Discord sends one autocomplete request per keystroke, and ranking 10,000 movie names with
rapidfuzz takes tens of milliseconds. Ranked on the event loop, a burst of keystrokes
holds up every other command for that long each; `bot.services.lookup` ranks in a thread.
Measured as the longest delay of a 1 ms ticker on the loop while a burst of
``autocomplete_movies`` runs, against the same burst ranked on the loop (the baseline:
the raw names ranked by the same scorer, as the bot did before).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable, Sequence

from benchmarks.dataset import GUILD
from bot.services.lookup import autocomplete_movies
from bot.store import Store

BURST = 25
TICK = 0.001


async def _longest_stall(burst: Callable[[], Awaitable[object]]) -> float:
    """Return the longest delay (seconds) of a 1 ms ticker while ``burst`` runs."""
    longest = 0.0
    done = False

    async def ticker() -> None:
        nonlocal longest
        while not done:
            before = time.perf_counter()
            await asyncio.sleep(TICK)
            longest = max(longest, time.perf_counter() - before - TICK)

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(TICK * 5)
    try:
        await burst()
    finally:
        done = True
        await ticking
    return longest


async def stalls(
    store: Store,
    raw: sqlite3.Connection,
    typed: Sequence[str],
    rank_on_loop: Callable[[sqlite3.Connection, str], object],
) -> tuple[float, float]:
    """Return the longest loop stall of a burst of autocompletes: ours, and on the loop."""
    words = [word for word in typed if word][:BURST]

    async def ours() -> object:
        return await asyncio.gather(*(autocomplete_movies(store, w, GUILD) for w in words))

    async def on_loop() -> object:
        async def one(word: str) -> object:
            await asyncio.sleep(0)  # interleaved like requests, each ranked on the loop
            return rank_on_loop(raw, word)

        return await asyncio.gather(*(one(w) for w in words))

    return await _longest_stall(ours), await _longest_stall(on_loop)
