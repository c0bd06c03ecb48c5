"""Benchmark 5: resident memory and start-up time of the bot with the 1M-reaction database.

Measured on each backend. Start-up is from spawning the bot to the fake receiving its
answer to the first ``!ping`` (imports, migrations check, articles folder, cogs, command
sync, gateway IDENTIFY/READY, one command). The baseline is the same bot on an empty
database, started alternately with the 1M one (after one warm-up start), median of
three: start-up must not grow with the database (no full load). Memory is the RSS of the
1M process one second after start-up (idle), right after the bursts of benchmark 4, and
its peak (``VmHWM``); on PostgreSQL that is the bot process with its connection pool
(the server's own processes are not the bot's). The baseline is the idle RSS of the
empty-database process.
"""

from __future__ import annotations

import asyncio

from benchmarks import latency
from benchmarks.results import Row, median, ratio_text, skipped
from benchmarks.session import Context, memory_of, pid_of

SECTION = "5 memory & start-up"
TARGET_RSS_MB = 150.0
STARTUP_GROWTH = 1.25
"""Start-up with 1M reactions may be at most this much slower than with none (noise)."""


def _mb(value: int | None) -> str:
    """Format bytes as MB (10^6 bytes, the stricter reading of the 150 MB target)."""
    return "-" if value is None else f"{value / 1e6:.0f} MB"


async def measure(context: Context) -> list[Row]:
    """Measure and return the memory and start-up rows (runs the bursts if 4 did not)."""
    idle = context.idle
    if not context.burst_done:
        await latency.run_bursts_only(context)
    await asyncio.sleep(0.5)
    after = memory_of(pid_of(context.bot))
    startups = context.startups
    baseline = startups.empty_memory
    rows: list[Row] = []
    if startups.large and startups.empty:
        large, empty = median(startups.large), median(startups.empty)
        print(
            "  start-ups (s): 1M "
            + ", ".join(f"{s:.2f}" for s in startups.large)
            + "; empty "
            + ", ".join(f"{s:.2f}" for s in startups.empty)
        )
        rows.append(
            Row(
                SECTION,
                context.backend,
                "start-up to first answer, 1M db vs empty db",
                f"{large:.2f} s",
                f"{empty:.2f} s",
                ratio_text(large, empty),
                f"≤ {STARTUP_GROWTH:g}× empty (no full load)",
                large <= STARTUP_GROWTH * empty,
            )
        )
    base_rss = baseline.rss if baseline else 0
    for label, value in (
        ("RSS idle, 1M db", idle.rss if idle else None),
        ("RSS after the bursts, 1M db", after.rss),
        ("peak RSS (VmHWM), 1M db", after.peak),
    ):
        rows.append(
            Row(
                SECTION,
                context.backend,
                label,
                _mb(value),
                f"{_mb(base_rss or None)} (empty db, idle)",
                ratio_text(value or 0, base_rss),
                f"≤ {TARGET_RSS_MB:.0f} MB",
                None if value is None else value / 1e6 <= TARGET_RSS_MB,
            )
        )
    return rows


def skipped_rows(backend: str, why: str) -> list[Row]:
    """Return the graded memory row, saying why it was not measured."""
    return [
        skipped(SECTION, backend, "RSS after the bursts, 1M db", f"≤ {TARGET_RSS_MB:.0f} MB", why)
    ]
