"""Benchmark 3: look-ups at 10,000 and 1,000,000 reactions over 10,000 movies, per backend.

Each operation is timed through the real code (store API and ``bot.services.lookup``) as
the server `dataset.GUILD` sees the collection, interleaved sample by sample with the
plain query of `benchmarks.raw` on the same database (its baseline):

- page query: ``reaction_page(movie, guild, offset=0, limit=5)`` of a random movie, as
  the server that owns 1% of the articles and has featured and hidden some reactions
  sees it; again as a server with no curation of its own. Both sizes are open at once and
  sampled in turn (10k ours, 10k raw, 1M ours, 1M raw, next sample...), so the growth
  from 10k to 1M is measured in one time window, whatever else the machine is doing.
- typo ("did you mean"), 1M: ``resolve_movie`` of a random title with two letters
  swapped; raw: the slug miss plus every name ranked by the same rapidfuzz scorer.
- search, 1M: ``search_reactions(query, guild, limit=5)`` with its total. The queries
  always include the most frequent word of the collection's reactions (counted, see
  `dataset.frequent_words`): a third of them are that word alone or with one more word
  (among which the two most frequent words together), the rest a frequent content word,
  a mid-frequency word, a frequent and a mid-frequency word, or an author's handle.
- the longest event-loop stall while 25 autocompletes run at once (`loop_stall`).

Autocomplete itself is measured through the bot process (`benchmarks.latency`).
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
from benchmarks.backends import Backends, Database
from benchmarks.dataset import CONTENT_WORDS, GUILD, Collection, frequent_words
from benchmarks.raw import Raw, connect
from benchmarks.results import POSTGRESQL, SQLITE, Row, median, ms, percentile, ratio_text, skipped
from bot.domain.errors import UnknownMovie
from bot.domain.models import slugify
from bot.services.lookup import (
    MAX_SUGGESTIONS,
    SUGGESTION_CUTOFF,
    autocomplete_movies,
    resolve_movie,
)
from bot.store import Store
from bot.store.sqlite import sqlite_statements

SECTION = "3 look-ups"
SMALL, LARGE = 10_000, 1_000_000
SAMPLES = {"page": 400, "page_plain": 300, "typo": 200, "search": 300}
PLAIN_GUILD = 1
"""A server with no articles or curation of its own: sees the global collection only."""
BUDGET_SECONDS = 20.0
"""Most time one figure may take per backend (both sizes); fewer samples are taken past it."""
WARMUP = 20
PAGE_P99_MS = {SQLITE: 2.0, POSTGRESQL: 5.0}
SEARCH_P99_MS = {SQLITE: 20.0, POSTGRESQL: 30.0}
TYPO_P99_MS = 15.0
PAGE_GROWTH = 1.5
_BIG_TABLES = re.compile(r"\bSCAN (?:r|ar|reactions|article_reactions)\b")
_PLANNED = ("reaction_page", "count_visible", "select_unfeatured", "select_featured")
"""The page's statements whose SQLite plans are checked: those of them the store has (one
``reaction_page`` statement, or the earlier count and select statements)."""


@dataclass
class Samples:
    """Timings (seconds) of one figure at one size: ours and the raw query, interleaved."""

    ours: list[float]
    raw: list[float]


def _typo(title: str, rng: random.Random) -> str:
    """Swap two neighbouring letters inside the title (never the first)."""
    spots = [i for i in range(1, len(title) - 1) if title[i].isalpha() and title[i + 1].isalpha()]
    i = rng.choice(spots)
    return title[:i] + title[i + 1] + title[i] + title[i + 2 :]


def rank_names(names: list[tuple[int, str]], query: str, limit: int, cutoff: int) -> list[int]:
    """Rank every name against ``query`` with the product's scorer; return movie ids."""
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


@dataclass(frozen=True, slots=True)
class Query:
    """A search query and whether it holds the collection's most frequent word."""

    text: str
    frequent: bool


def search_queries(data: Collection, count: int, rng: random.Random) -> list[Query]:
    """Return the query mix of the module docstring."""
    (top, _), (second, _) = frequent_words(data, 2)
    ranked = sorted(CONTENT_WORDS, key=lambda word: data.vocabulary_ranks[word])
    frequent, middling = ranked[:25], ranked[25:]
    queries = []
    for index in range(count):
        kind = index % 9
        if kind == 0:
            queries.append(Query(top, frequent=True))
        elif kind == 1:
            queries.append(Query(f"{top} {second}", frequent=True))
        elif kind == 2:
            other = rng.choice(frequent if index % 2 else middling)
            queries.append(Query(rng.choice((f"{top} {other}", f"{other} {top}")), frequent=True))
        elif kind in (3, 4):
            queries.append(Query(rng.choice(frequent), frequent=False))
        elif kind == 5:
            queries.append(Query(rng.choice(middling), frequent=False))
        elif kind in (6, 7):
            queries.append(Query(f"{rng.choice(frequent)} {rng.choice(middling)}", False))
        else:
            queries.append(Query(rng.choice(data.handles), frequent=False))
    return queries


Probe = tuple[Callable[[int], Awaitable[object]], Callable[[int], Awaitable[object]]]
"""One size's (ours, raw) callables of one figure, each taking the sample's index."""


async def _measure(count: int, probes: dict[int, Probe]) -> dict[int, Samples]:
    """Time every size's ours and raw for sample 0, then sample 1...: one time window."""
    for index in range(min(WARMUP, count)):
        for ours, raw in probes.values():
            await ours(index)
            await raw(index)
    samples = {size: Samples([], []) for size in probes}
    started = time.perf_counter()
    for index in range(count):
        if index and time.perf_counter() - started > BUDGET_SECONDS:
            break
        for size, (ours, raw) in probes.items():
            begin = time.perf_counter()
            await ours(index)
            middle = time.perf_counter()
            await raw(index)
            end = time.perf_counter()
            samples[size].ours.append(middle - begin)
            samples[size].raw.append(end - middle)
    return samples


def page_plan(path: str, movie_id: int) -> list[str]:
    """Return the SQLite query plans of the page's statements that may touch many rows."""
    # Every parameter any version of those statements names; sqlite3 ignores the others.
    params = {
        "movie_id": movie_id,
        "slug": None,
        "guild": GUILD,
        "offset": 0,
        "limit": 5,
        "page": None,
        "default_size": 5,
    }
    statements = sqlite_statements()
    lines: list[str] = []
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for name in _PLANNED:
            if name in statements:
                sql = statements[name].sql
                lines += [row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + sql, params)]
    finally:
        connection.close()
    return lines


@dataclass
class Opened:
    """One size's store, baseline connection and sample inputs."""

    store: Store
    raw: Raw
    pages: list[int]
    typos: list[str]
    queries: list[Query]
    typed: list[str]

    def probes(self) -> dict[str, Probe]:
        """Return this size's (ours, raw) callables per figure."""
        store, raw = self.store, self.raw

        async def page(i: int) -> object:
            return await store.reaction_page(self.pages[i], GUILD, offset=0, limit=5)

        async def plain(i: int) -> object:
            return await store.reaction_page(self.pages[i], PLAIN_GUILD, offset=0, limit=5)

        async def resolve(i: int) -> object:
            try:
                return await resolve_movie(store, self.typos[i], GUILD)
            except UnknownMovie as unknown:
                return unknown

        async def raw_typo(i: int) -> object:
            if await raw.has_slug(slugify(self.typos[i])):
                return []
            names = await raw.names()
            return rank_names(names, self.typos[i], MAX_SUGGESTIONS, SUGGESTION_CUTOFF)

        async def search(i: int) -> object:
            return await store.search_reactions(self.queries[i].text, GUILD, offset=0, limit=5)

        async def raw_page(i: int) -> object:
            return await raw.page(self.pages[i])

        async def raw_search(i: int) -> object:
            return await raw.search(self.queries[i].text)

        return {
            "page": (page, raw_page),
            "page_plain": (plain, raw_page),
            "typo": (resolve, raw_typo),
            "search": (search, raw_search),
        }


async def _open(database: Database, rng: random.Random) -> Opened:
    movies = database.data.movies
    return Opened(
        store=await database.open_store(),
        raw=await connect(database),
        pages=[rng.choice(movies)[0] for _ in range(SAMPLES["page"])],
        typos=[_typo(rng.choice(movies)[1], rng) for _ in range(SAMPLES["typo"])],
        queries=search_queries(database.data, SAMPLES["search"], rng),
        typed=[rng.choice(movies)[1][: rng.randint(1, 6)] for _ in range(loop_stall.BURST)],
    )


@dataclass
class Measured:
    """Everything one backend's run measured."""

    samples: dict[int, dict[str, Samples]]
    queries: list[Query]
    stall: tuple[float, float]


FIGURES_AT = {
    "page": (SMALL, LARGE),
    "page_plain": (SMALL, LARGE),
    "typo": (LARGE,),
    "search": (LARGE,),
}
"""The sizes each figure is sampled at (page growth needs both)."""


async def _measure_backend(backends: Backends, backend: str, rng: random.Random) -> Measured:
    databases = {size: await backends.database(backend, size) for size in (SMALL, LARGE)}
    opened = {size: await _open(database, rng) for size, database in databases.items()}
    samples: dict[int, dict[str, Samples]] = {size: {} for size in opened}
    try:
        probes = {size: one.probes() for size, one in opened.items()}
        for key, sizes in FIGURES_AT.items():
            found = await _measure(SAMPLES[key], {size: probes[size][key] for size in sizes})
            for size, figure in found.items():
                samples[size][key] = figure
        large = opened[LARGE]
        names = await large.raw.names()
        stall = await loop_stall.stalls(
            lambda word: autocomplete_movies(large.store, word, GUILD),
            lambda word: rank_names(names, word, 25, 0),
            large.typed,
        )
    finally:
        for one in opened.values():
            await one.raw.close()
            await one.store.close()
    return Measured(samples, opened[LARGE].queries, stall)


def _pair(samples: Sequence[float]) -> str:
    return f"{ms(percentile(samples, 0.5))} / {ms(percentile(samples, 0.99))}"


def _counted(samples: Sequence[float]) -> str:
    """Return p50 / p99 and the number of samples (fewer when a figure is slow)."""
    return f"{_pair(samples)} (n={len(samples)})"


def _label(size: int) -> str:
    return f"{size // 1_000_000}M" if size >= 1_000_000 else f"{size // 1_000}k"


FIGURES = {
    "page": "reactions page query",
    "page_plain": "page query, server without curation",
    "typo": "movie with a typo (did you mean), 10,000 movies",
    "search": "full-text search",
}


def _rows(backend: str, data: Collection, measured: Measured) -> list[Row]:
    samples = measured.samples
    stall, stall_on_loop = measured.stall
    rows = [
        Row(
            SECTION,
            backend,
            f"longest event-loop stall, {loop_stall.BURST} autocompletes at once, 1M",
            ms(stall),
            f"{ms(stall_on_loop)} (ranked on the loop)",
            ratio_text(stall, stall_on_loop),
            "-",
            None,
        )
    ]
    for key in ("page", "page_plain"):
        graded = key == "page"  # the plain figure explains the graded one
        for size in (SMALL, LARGE):
            s = samples[size][key]
            target, met = "-", None
            if graded and size == LARGE:
                limit = PAGE_P99_MS[backend]
                target, met = f"p99 ≤ {limit:g} ms", percentile(s.ours, 0.99) * 1000 <= limit
            rows.append(
                Row(
                    SECTION,
                    backend,
                    f"{FIGURES[key]}, {_label(size)}: p50 / p99",
                    _pair(s.ours),
                    _pair(s.raw),
                    ratio_text(median(s.ours), median(s.raw)),
                    target,
                    met,
                )
            )
        small, large = samples[SMALL][key], samples[LARGE][key]
        ours_growth = median(large.ours) / median(small.ours)
        raw_growth = median(large.raw) / median(small.raw)
        rows.append(
            Row(
                SECTION,
                backend,
                f"{FIGURES[key]}: p50 growth 10k → 1M",
                f"{ours_growth:.2f}×",
                f"{raw_growth:.2f}×",
                ratio_text(ours_growth, raw_growth),
                f"≤ {PAGE_GROWTH:g}×" if graded else "-",
                ours_growth <= PAGE_GROWTH if graded else None,
            )
        )
        if graded and backend == SQLITE:
            plan = page_plan(str(data.path), data.movies[1][0])
            scans = [line for line in plan if _BIG_TABLES.search(line)]
            rows.append(
                Row(
                    SECTION,
                    backend,
                    f"{FIGURES[key]}: plan at 1M",
                    "index look-ups" if not scans else f"scans: {'; '.join(scans)}",
                    "-",
                    "-",
                    "no SCAN of reactions/links",
                    not scans,
                )
            )
    typo = samples[LARGE]["typo"]
    rows.append(
        Row(
            SECTION,
            backend,
            f"{FIGURES['typo']}, 1M: p50 / p99",
            _counted(typo.ours),
            _pair(typo.raw),
            ratio_text(median(typo.ours), median(typo.raw)),
            f"p99 ≤ {TYPO_P99_MS:g} ms",
            percentile(typo.ours, 0.99) * 1000 <= TYPO_P99_MS,
        )
    )
    search = samples[LARGE]["search"]
    limit = SEARCH_P99_MS[backend]
    queries = measured.queries[: len(search.ours)]
    top = frequent_words(data, 1)[0][0]
    subsets = (
        ("all one- and two-word queries", [True] * len(queries)),
        (f"queries with the most frequent word ({top!r})", [q.frequent for q in queries]),
    )
    for label, chosen in subsets:
        ours = [t for t, keep in zip(search.ours, chosen, strict=True) if keep]
        raw = [t for t, keep in zip(search.raw, chosen, strict=True) if keep]
        rows.append(
            Row(
                SECTION,
                backend,
                f"{FIGURES['search']}, 1M, {label}: p50 / p99",
                _counted(ours),
                _pair(raw),
                ratio_text(median(ours), median(raw)),
                f"p99 ≤ {limit:g} ms",
                percentile(ours, 0.99) * 1000 <= limit,
            )
        )
    return rows


def _skipped_rows(backend: str, why: str) -> list[Row]:
    return [
        skipped(
            SECTION, backend, f"{FIGURES['page']}, 1M", f"p99 ≤ {PAGE_P99_MS[backend]:g} ms", why
        ),
        skipped(
            SECTION, backend, f"{FIGURES['page']}: p50 growth 10k → 1M", f"≤ {PAGE_GROWTH:g}×", why
        ),
        skipped(SECTION, backend, f"{FIGURES['typo']}, 1M", f"p99 ≤ {TYPO_P99_MS:g} ms", why),
        skipped(
            SECTION,
            backend,
            f"{FIGURES['search']}, 1M",
            f"p99 ≤ {SEARCH_P99_MS[backend]:g} ms",
            why,
        ),
    ]


def run(backends: Backends, chosen: Sequence[str]) -> list[Row]:
    """Measure and return the look-up rows of each chosen backend."""
    rows: list[Row] = []
    for backend in chosen:
        why = backends.unavailable(backend)
        if why is not None:
            rows += _skipped_rows(backend, why)
            continue
        measured = asyncio.run(_measure_backend(backends, backend, random.Random(3)))
        counts = ", ".join(
            f"{name} {len(s.ours)}"
            for size in (SMALL, LARGE)
            for name, s in measured.samples[size].items()
        )
        data = backends.collection(LARGE)
        print(f"  {backend}: samples per figure (10k then 1M): {counts}")
        rows += _rows(backend, data, measured)
    return rows
