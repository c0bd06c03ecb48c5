"""Run the benchmarks and print one table: ``python -m benchmarks [parse ingest lookup ...]``.

With no names, all six run: ``parse`` (1), ``ingest`` (2), ``lookup`` (3), ``latency``
(4) and ``memory`` (5; 4 and 5 share one bot process per backend), and ``web`` (6, the
panel's reactions page, on SQLite). Ingest, look-ups, latency and memory run on SQLite
and on PostgreSQL (``--backend`` picks one); PostgreSQL is a throwaway server the run
starts from the installed binaries, and without them its rows say so. The generated
databases are built once into ``benchmarks/.cache/`` (SQLite files, and a PostgreSQL
cluster loaded from them) and reused; ``--rebuild`` builds them again. The table is
also written to ``benchmarks/.cache/results.md`` and ``results.json``.

``--profile`` runs the chosen in-process benchmarks under pyinstrument and the 1M bot
process under ``python -m pyinstrument``, and prints/saves the profiles; its timings are
inflated by the profiler and are not the figures to publish.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable

from benchmarks import ingest, lookups, parse, session, web
from benchmarks.backends import Backends
from benchmarks.results import BACKENDS, CACHE, Row, markdown_table, save, text_table

NAMES = ("parse", "ingest", "lookup", "latency", "memory", "web")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="Reaction Reel's benchmark suite."
    )
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help=f"of: {', '.join(NAMES)} (default: all)"
    )
    parser.add_argument(
        "--backend",
        choices=(*BACKENDS, "both"),
        default="both",
        help="the store backend(s) to measure (default: both)",
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached databases")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--profile", action="store_true", help="profile with pyinstrument")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in NAMES]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    return args


def _load() -> str:
    """Return the 1/5/15-minute load averages: other work on a shared machine skews figures."""
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def _profiled(name: str, work: Callable[[], list[Row]]) -> list[Row]:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    try:
        return work()
    finally:
        profiler.stop()
        output = CACHE / f"profile-{name}.txt"
        output.parent.mkdir(parents=True, exist_ok=True)
        text = profiler.output_text(unicode=True, color=False)
        output.write_text(text)
        print(text)
        print(f"  (profile saved to {output})")


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks, print the table, and return 0."""
    args = _arguments(argv)
    chosen = args.names or list(NAMES)
    print(
        f"Reaction Reel benchmarks: {', '.join(chosen)} on {args.backend} — "
        f"Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.platform()}, load average {_load()}"
    )
    chosen_backends = BACKENDS if args.backend == "both" else (args.backend,)
    backends = Backends(rebuild=args.rebuild)
    started = time.perf_counter()
    rows: list[Row] = []
    steps: list[tuple[str, Callable[[], list[Row]]]] = []
    if "parse" in chosen:
        steps.append(("parse", parse.run))
    if "ingest" in chosen:
        steps.append(("ingest", lambda: ingest.run(backends, chosen_backends)))
    if "lookup" in chosen:
        steps.append(("lookup", lambda: lookups.run(backends, chosen_backends)))
    if "latency" in chosen or "memory" in chosen:
        steps.append(
            (
                "process",
                lambda: session.run(
                    backends,
                    chosen_backends,
                    latency="latency" in chosen,
                    memory="memory" in chosen,
                    profile=args.profile,
                ),
            )
        )
    if "web" in chosen:
        steps.append(("web", lambda: web.run(backends)))
    try:
        for name, work in steps:
            began = time.perf_counter()
            print(f"\n== {name} ==")
            if args.profile and name != "process":
                rows += _profiled(name, work)
            else:
                rows += work()
            print(f"  ({name} took {time.perf_counter() - began:.0f} s)")
    finally:
        backends.close()
    elapsed = time.perf_counter() - started
    rows.sort(key=lambda row: row.section)  # stable: each section's backends in run order
    print()
    print(text_table(rows))
    print(
        f"\nAll of it took {elapsed / 60:.1f} min (load average now {_load()}). "
        "Ratio = ours / baseline."
    )
    missed = [row for row in rows if row.met is False]
    if missed:
        print(f"{len(missed)} target(s) missed: " + "; ".join(row.figure for row in missed))
    markdown = markdown_table(rows)
    if args.markdown:
        print()
        print(markdown)
    if not args.profile:
        CACHE.mkdir(parents=True, exist_ok=True)
        (CACHE / "results.md").write_text(markdown + "\n")
        save(rows, CACHE / "results.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
