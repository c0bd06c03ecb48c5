"""A server's movie directory answers like a scan of every name would, at any size.

Built over 3,000 generated movies (more than `SMALL`, so the trigram index is used, not
every name), its answers are checked against the plain scan each one replaces.
"""

from __future__ import annotations

import random

import pytest
from rapidfuzz import fuzz, process

from bot.domain.models import slugify
from bot.domain.records import Movie, MovieSummary
from bot.store.directory import SMALL, MovieDirectory, processed

WORDS = (
    "Brave", "Bitter", "Silent", "Golden", "Northern", "Crimson", "Endless", "Little",
    "Second", "Bright", "Hollow", "Quiet", "River", "Harbour", "Kingdom", "Island",
    "Mirror", "Thunder", "Carnival", "Heist", "Forest", "Desert", "Empire", "Orchard",
)  # fmt: skip
CANDIDATES = 256


def _titles(count: int) -> list[str]:
    rng = random.Random(7)
    titles: dict[str, None] = {}
    while len(titles) < count:
        words = rng.sample(WORDS, rng.randint(2, 4))
        titles[" ".join(words) + (f" {rng.randint(2, 9)}" if rng.random() < 0.3 else "")] = None
    return sorted(titles, key=str.casefold)


@pytest.fixture(scope="module")
def directory() -> MovieDirectory:
    summaries = []
    names = []
    for index, title in enumerate(_titles(3_000)):
        aliases = (f"{title} {1970 + index % 50}",) if index % 10 == 0 else ()
        movie = Movie(id=index + 1, title=title, slug=slugify(title), aliases=aliases)
        summaries.append(MovieSummary(movie=movie, reaction_count=1))
        names += [(movie, name) for name in (title, *aliases)]
    built = MovieDirectory(summaries, names)
    assert len(built.names) > SMALL
    return built


def _typo(title: str, rng: random.Random) -> str:
    spots = [i for i in range(1, len(title) - 1) if title[i].isalpha() and title[i + 1].isalpha()]
    i = rng.choice(spots)
    return title[:i] + title[i + 1] + title[i] + title[i + 2 :]


def test_the_best_match_of_a_typo_is_among_the_candidates(directory: MovieDirectory) -> None:
    rng = random.Random(3)
    for _ in range(100):
        typo = processed(_typo(rng.choice(directory.names)[1], rng))
        best = process.extractOne(typo, directory.processed, scorer=fuzz.WRatio)
        assert best is not None
        candidates = directory.candidates(typo, CANDIDATES)
        scores = [fuzz.WRatio(typo, directory.processed[index]) for index in candidates]
        assert max(scores) == best[1], typo


def test_prefixes_find_what_a_scan_finds_in_title_order(directory: MovieDirectory) -> None:
    for typed in ("b", "Brave K", "golden", "crimson heist", "zz", "BITTER river 2"):
        folded = typed.casefold()
        starting = (movie for movie, name in directory.names if name.casefold().startswith(folded))
        scanned = list(dict.fromkeys(starting))
        assert directory.starting_with(typed, 25) == scanned[:25], typed


def test_a_short_query_offers_names_that_contain_it(directory: MovieDirectory) -> None:
    found = directory.candidates("ki", CANDIDATES)
    assert found
    assert all("ki" in directory.processed[index] for index in found)
    assert found == sorted(found)


def test_first_gives_the_movies_by_title(directory: MovieDirectory) -> None:
    assert directory.first(3) == [summary.movie for summary in directory.summaries[:3]]
