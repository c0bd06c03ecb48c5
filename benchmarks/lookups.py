"""Benchmark 3: look-ups at 10,000 and 1,000,000 reactions over 10,000 movies.

Four member-facing operations, each timed through the real code (store API and
``bot.services.lookup``) as the server `dataset.GUILD` sees the collection, and interleaved sample
by sample with the raw ``sqlite3`` query that returns the same rows without the product's
rules (visibility, hidden/featured, totals). Both sizes are open at once and sampled in
turn (10k ours, 10k raw, 1M ours, 1M raw, next sample...), so the growth from 10k to 1M
is measured in one time window, whatever else the machine is doing:

- page query: ``reaction_page(movie, guild, offset=0, limit=5)`` of a random movie, as
  the server that owns 1% of the articles and has featured and hidden some reactions
  sees it; again as a server with no curation of its own; raw: the five rows of
  ``article_reactions`` ⨝ ``reactions`` in article order.
- autocomplete: ``autocomplete_movies`` for what a member has typed so far (0-6 letters of
  a random title, as Discord sends one request per keystroke); raw: every movie name from
  ``movies`` ranked by the same rapidfuzz scorer.
- typo: ``resolve_movie`` of a random title with two letters swapped (a "did you mean"
  answer); raw: the slug miss plus the same ranking over raw names.
- search: ``search_reactions(query, guild, limit=5)``, best match first, with its total;
  raw: the same FTS5 ``MATCH ... ORDER BY rank LIMIT 5`` without visibility or total.
  Queries are a fixed mix: a third a single frequent content word (in 2-12% of the
  reactions), a third a mid-frequency word, a third two words or an author's handle.
"""

from __future__ import annotations

import asyncio
import random
import re
import sqlite3
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from benchmarks import loop_stall
from benchmarks.dataset import CONTENT_WORDS, GUILD, Collection, collection
from benchmarks.results import Row, median, ms, percentile, ratio_text
from bot.domain.errors import UnknownMovie
from bot.domain.models import slugify
from bot.services.lookup import (
    AUTOCOMPLETE_CUTOFF,
    MAX_CHOICES,
    MAX_SUGGESTIONS,
    SUGGESTION_CUTOFF,
    autocomplete_movies,
    resolve_movie,
)
from bot.store import Store, open_sqlite_store
from bot.store.sqlite import sqlite_statements

SECTION = "3 look-ups"
SIZES = (10_000, 1_000_000)
SAMPLES = {"page": 500, "page_plain": 500, "autocomplete": 150, "typo": 150, "search": 300}
PLAIN_GUILD = 1
"""A server with no articles or curation of its own: sees the global collection only."""
BUDGET_SECONDS = 40.0
"""Most time one figure may take (both sizes); fewer samples are taken past it."""
WARMUP = 20
PAGE_P99_MS = 2.0
SEARCH_P99_MS = 20.0
PAGE_GROWTH = 1.5

_RAW_PAGE = """
SELECT r.id, r.platform, r.text, r.author_name, r.handle, r.date, r.url
FROM article_reactions AS ar JOIN reactions AS r ON r.id = ar.reaction_id
WHERE ar.movie_id = ? ORDER BY ar.article_id, ar.position LIMIT 5
"""
_RAW_NAMES = "SELECT id, title FROM movies UNION ALL SELECT movie_id, alias FROM movie_aliases"
_RAW_SLUG = "SELECT id FROM movies WHERE slug = ?"
_RAW_SEARCH = """
SELECT r.id, r.platform, r.text, r.author_name, r.handle, r.date, r.url
FROM reactions_fts AS f JOIN reactions AS r ON r.id = f.rowid
WHERE reactions_fts MATCH ? ORDER BY f.rank LIMIT 5
"""
_BIG_TABLES = re.compile(r"\bSCAN (?:r|ar|reactions|article_reactions)\b")


@dataclass
class Samples:
    """Timings (seconds) of one figure at one size: ours and the raw query, interleaved."""

    ours: list[float]
    raw: list[float]


def _fts(query: str) -> str:
    return " ".join('"' + word.replace('"', '""') + '"' for word in query.split())


def _raw_rank(names: list[tuple[int, str]], query: str, limit: int, cutoff: int) -> list[int]:
    matches = process.extract(
        query,
        {index: name for index, (_, name) in enumerate(names)},
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=None,
        score_cutoff=cutoff,
    )
    found: list[int] = []
    for _name, _score, index in matches:
        if names[index][0] not in found:
            found.append(names[index][0])
            if len(found) == limit:
                break
    return found


def _raw_autocomplete(raw: sqlite3.Connection, typed: str) -> list[int]:
    names = raw.execute(_RAW_NAMES).fetchall()
    if not typed:
        return [movie for movie, _ in sorted(names, key=lambda n: n[1].casefold())[:MAX_CHOICES]]
    prefix = typed.casefold()
    starts = [movie for movie, name in names if name.casefold().startswith(prefix)]
    ranked = _raw_rank(names, typed, MAX_CHOICES, AUTOCOMPLETE_CUTOFF)
    return list(dict.fromkeys([*starts, *ranked]))[:MAX_CHOICES]


def _raw_typo(raw: sqlite3.Connection, typo: str) -> list[int]:
    if raw.execute(_RAW_SLUG, (slugify(typo),)).fetchone() is not None:
        return []
    return _raw_rank(raw.execute(_RAW_NAMES).fetchall(), typo, MAX_SUGGESTIONS, SUGGESTION_CUTOFF)


def _typo(title: str, rng: random.Random) -> str:
    """Swap two neighbouring letters inside the title (never the first)."""
    spots = [i for i in range(1, len(title) - 1) if title[i].isalpha() and title[i + 1].isalpha()]
    i = rng.choice(spots)
    return title[:i] + title[i + 1] + title[i] + title[i + 2 :]


def search_queries(data: Collection, count: int, rng: random.Random) -> list[str]:
    """Return the fixed query mix (see the module docstring)."""
    ranked = sorted(CONTENT_WORDS, key=lambda word: data.vocabulary_ranks[word])
    frequent, middling = ranked[:25], ranked[25:]
    queries = []
    for index in range(count):
        kind = index % 6
        if kind in (0, 1):
            queries.append(rng.choice(frequent))
        elif kind in (2, 3):
            queries.append(rng.choice(middling))
        elif kind == 4:
            queries.append(f"{rng.choice(frequent)} {rng.choice(middling)}")
        else:
            queries.append(rng.choice(data.handles))
    return queries


Probe = tuple[Callable[[int], Awaitable[object]], Callable[[int], object]]
"""One size's (ours, raw) callables of one figure, each taking the sample's index."""


async def _measure(count: int, probes: dict[int, Probe]) -> dict[int, Samples]:
    """Time every size's ours and raw for sample 0, then sample 1...: one time window."""
    for index in range(min(WARMUP, count)):
        for ours, raw in probes.values():
            await ours(index)
            raw(index)
    samples = {size: Samples([], []) for size in probes}
    started = time.perf_counter()
    for index in range(count):
        if index and time.perf_counter() - started > BUDGET_SECONDS:
            break
        for size, (ours, raw) in probes.items():
            begin = time.perf_counter()
            await ours(index)
            middle = time.perf_counter()
            raw(index)
            end = time.perf_counter()
            samples[size].ours.append(middle - begin)
            samples[size].raw.append(end - middle)
    return samples


def page_plan(raw: sqlite3.Connection, movie_id: int) -> list[str]:
    """Return the query plan of the page's statement."""
    params = {
        "movie_id": movie_id,
        "guild": GUILD,
        "offset": 0,
        "limit": 5,
        "page": None,
        "default_size": 5,
    }
    sql = sqlite_statements()["reaction_page"].sql
    return [row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + sql, params)]


@dataclass
class Opened:
    """One size's store, raw connection and sample inputs."""

    store: Store
    raw: sqlite3.Connection
    pages: list[int]
    typed: list[str]
    typos: list[str]
    queries: list[str]

    def probes(self) -> dict[str, Probe]:
        """Return this size's (ours, raw) callables per figure."""
        store, raw = self.store, self.raw

        async def page(i: int) -> object:
            return await store.reaction_page(self.pages[i], GUILD, offset=0, limit=5)

        async def plain(i: int) -> object:
            return await store.reaction_page(self.pages[i], PLAIN_GUILD, offset=0, limit=5)

        async def complete(i: int) -> object:
            return await autocomplete_movies(store, self.typed[i], GUILD)

        async def resolve(i: int) -> object:
            try:
                return await resolve_movie(store, self.typos[i], GUILD)
            except UnknownMovie as unknown:
                return unknown

        async def search(i: int) -> object:
            return await store.search_reactions(self.queries[i], GUILD, offset=0, limit=5)

        return {
            "page": (page, lambda i: raw.execute(_RAW_PAGE, (self.pages[i],)).fetchall()),
            "page_plain": (plain, lambda i: raw.execute(_RAW_PAGE, (self.pages[i],)).fetchall()),
            "autocomplete": (complete, lambda i: _raw_autocomplete(raw, self.typed[i])),
            "typo": (resolve, lambda i: _raw_typo(raw, self.typos[i])),
            "search": (
                search,
                lambda i: raw.execute(_RAW_SEARCH, (_fts(self.queries[i]),)).fetchall(),
            ),
        }


async def _open(data: Collection, rng: random.Random) -> Opened:
    movies = data.movies
    typed = []
    for _ in range(SAMPLES["autocomplete"]):
        title = rng.choice(movies)[1]
        typed.append(title[: rng.randint(0, 6)])
    return Opened(
        store=await open_sqlite_store(data.path),
        raw=sqlite3.connect(f"file:{data.path}?mode=ro", uri=True, check_same_thread=False),
        pages=[rng.choice(movies)[0] for _ in range(SAMPLES["page"])],
        typed=typed,
        typos=[_typo(rng.choice(movies)[1], rng) for _ in range(SAMPLES["typo"])],
        queries=search_queries(data, SAMPLES["search"], rng),
    )


async def _at_sizes(
    collections: dict[int, Collection], rng: random.Random
) -> tuple[dict[int, dict[str, Samples]], list[str], tuple[float, float]]:
    opened = {size: await _open(data, rng) for size, data in collections.items()}
    measured: dict[int, dict[str, Samples]] = {size: {} for size in collections}
    try:
        probes = {size: one.probes() for size, one in opened.items()}
        for key in FIGURES:
            found = await _measure(SAMPLES[key], {size: p[key] for size, p in probes.items()})
            for size, samples in found.items():
                measured[size][key] = samples
        largest = max(opened)
        plan = page_plan(opened[largest].raw, opened[largest].pages[0])
        stall = await loop_stall.stalls(
            opened[largest].store, opened[largest].raw, opened[largest].typed, _raw_autocomplete
        )
    finally:
        for one in opened.values():
            one.raw.close()
            await one.store.close()
    return measured, plan, stall


def _pair(samples: Sequence[float]) -> str:
    return f"{ms(percentile(samples, 0.5))} / {ms(percentile(samples, 0.99))}"


def _size_label(size: int) -> str:
    return f"{size // 1_000_000}M" if size >= 1_000_000 else f"{size // 1_000}k"


FIGURES = {
    "page": "reactions page query",
    "page_plain": "page query, server without curation",
    "autocomplete": "autocomplete",
    "typo": "movie with a typo (did you mean)",
    "search": "full-text search",
}


def run(*, rebuild: bool = False) -> list[Row]:
    """Build or reuse the collections, measure and return the look-up rows."""
    rng = random.Random(3)
    collections = {}
    for size in SIZES:
        data = collections[size] = collection(size, rebuild=rebuild)
        if data.built_now:
            label = _size_label(size)
            print(f"  (first run: built the {label} database in {data.build_seconds:.0f} s)")
    measured, plan, (stall, stall_on_loop) = asyncio.run(_at_sizes(collections, rng))
    for size, data in collections.items():
        counts = ", ".join(f"{name} {len(s.ours)}" for name, s in measured[size].items())
        print(f"  {_size_label(size)} ({data.reactions:,} reactions): samples {counts}")
    print("  page query plan at 1M (REACTION_PAGE):")
    for line in plan:
        print(f"    {line}")

    small, large = SIZES
    rows: list[Row] = [
        Row(
            SECTION,
            f"longest event-loop stall, {loop_stall.BURST} autocompletes at once, "
            f"{_size_label(large)}",
            ms(stall),
            ms(stall_on_loop),
            ratio_text(stall, stall_on_loop),
            "-",
            None,
        )
    ]
    for key, figure in FIGURES.items():
        for size in SIZES:
            s = measured[size][key]
            target, met = "-", None
            if size == large and key == "page":
                target, met = (
                    f"p99 ≤ {PAGE_P99_MS:g} ms",
                    percentile(s.ours, 0.99) * 1000 <= PAGE_P99_MS,
                )
            if size == large and key == "search":
                target = f"p99 ≤ {SEARCH_P99_MS:g} ms"
                met = percentile(s.ours, 0.99) * 1000 <= SEARCH_P99_MS
            rows.append(
                Row(
                    SECTION,
                    f"{figure}, {_size_label(size)}: p50 / p99",
                    _pair(s.ours),
                    _pair(s.raw),
                    ratio_text(median(s.ours), median(s.raw)),
                    target,
                    met,
                )
            )
        if key in ("page", "page_plain"):
            ours_growth = median(measured[large][key].ours) / median(measured[small][key].ours)
            raw_growth = median(measured[large][key].raw) / median(measured[small][key].raw)
            graded = key == "page"  # the plain figure explains the graded one
            rows.append(
                Row(
                    SECTION,
                    f"{figure}: p50 growth {_size_label(small)} → {_size_label(large)}",
                    f"{ours_growth:.2f}×",
                    f"{raw_growth:.2f}×",
                    ratio_text(ours_growth, raw_growth),
                    f"≤ {PAGE_GROWTH:g}×" if graded else "-",
                    ours_growth <= PAGE_GROWTH if graded else None,
                )
            )
        if key == "page":
            scans = [line for line in plan if _BIG_TABLES.search(line)]
            rows.append(
                Row(
                    SECTION,
                    f"{figure}: plan at {_size_label(large)}",
                    "index look-ups" if not scans else f"scans: {'; '.join(scans)}",
                    "-",
                    "-",
                    "no SCAN of reactions/links",
                    not scans,
                )
            )
    return rows
