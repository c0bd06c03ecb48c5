"""Benchmark 3, part: how long an autocomplete burst stalls the event loop (issue 12).

Discord sends one autocomplete request per keystroke, and ranking 10,000 movie names with
rapidfuzz takes tens of milliseconds. Ranked on the event loop, a burst of keystrokes
holds up every other command for that long each; `bot.services.lookup` must not.
Measured as the longest delay of a 1 ms ticker on the loop while a burst of
``autocomplete_movies`` runs, against the same burst ranked on the loop (the baseline:
every movie name, fetched once beforehand, ranked by the same scorer).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence

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
    ours: Callable[[str], Awaitable[object]],
    rank_on_loop: Callable[[str], object],
    typed: Sequence[str],
) -> tuple[float, float]:
    """Return the longest loop stall of a burst of autocompletes: ours, and on the loop."""
    words = list(typed[:BURST])

    async def burst() -> object:
        return await asyncio.gather(*(ours(word) for word in words))

    async def on_loop() -> object:
        async def one(word: str) -> object:
            await asyncio.sleep(0)  # interleaved like requests, each ranked on the loop
            return rank_on_loop(word)

        return await asyncio.gather(*(one(word) for word in words))

    return await _longest_stall(burst), await _longest_stall(on_loop)
