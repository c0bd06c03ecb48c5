"""Model check: pages, totals and the movie list against a plain-Python model.

Articles are stored, some removed again, then curated: the counts the store keeps at write
time (a reaction's global sources, a movie's global reactions) must follow every step.

A contract test: each hypothesis example opens a fresh store of the backend under test.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.records import RemoveOutcome
from bot.store import Store
from tests.conftest import open_backend
from tests.unit.store_builders import article, post

GUILD = 111
OTHER_GUILD = 222


VIEWERS: tuple[int | None, ...] = (None, GUILD, OTHER_GUILD)


MOVIES = ("Movie A", "Movie B")


articles_strategy = st.lists(
    st.tuples(
        st.integers(0, len(MOVIES) - 1),
        st.sampled_from([0, GUILD, OTHER_GUILD]),
        st.booleans(),
        st.lists(st.integers(0, 5), min_size=1, max_size=5),
    ),
    min_size=1,
    max_size=6,
)


removals_strategy = st.sets(st.integers(0, 5), max_size=3)
"""Which of the stored articles (by number) are removed again before any curation."""


states_strategy = st.lists(
    st.tuples(
        st.sampled_from([GUILD, OTHER_GUILD]),
        st.integers(0, len(MOVIES) - 1),
        st.integers(0, 5),
        st.sampled_from([None, True, False]),
        st.sampled_from([None, True, False]),
    ),
    max_size=8,
)


def expected_pages(
    articles: list[tuple[int, int, bool, list[int]]],
    removed: set[int],
    states: dict[tuple[int, int, int], tuple[bool, bool]],
    viewer: int | None,
) -> dict[int, list[tuple[str, bool, bool]]]:
    """Return, per movie index, the (text, spoiler, featured) rows the viewer should see."""
    scope = viewer or 0
    found: dict[tuple[int, int], dict[str, Any]] = {}
    for number, (movie, guild, spoiler, posts) in enumerate(articles):
        if guild not in (0, scope) or number in removed:
            continue
        for place, p in enumerate(posts):
            if posts.index(p) != place:
                continue
            entry = found.setdefault((movie, p), {"first": (number, place), "spoiler": False})
            entry["spoiler"] = entry["spoiler"] or spoiler
    pages: dict[int, list[tuple[str, bool, bool]]] = {m: [] for m in range(len(MOVIES))}
    keyed: dict[int, list[tuple[Any, ...]]] = {m: [] for m in range(len(MOVIES))}
    for (movie, p), entry in found.items():
        hidden, featured = states.get((scope, movie, p), (False, False))
        if hidden:
            continue
        keyed[movie].append(
            (not featured, entry["first"], (f"post {p}", entry["spoiler"], featured))
        )
    for movie, rows in keyed.items():
        pages[movie] = [row[2] for row in sorted(rows)]
    return pages


async def reaction_ids(store: Store, movie_ids: Iterable[int]) -> dict[tuple[int, str], int]:
    """Return every stored reaction's id by (movie id, text), read before any curation.

    Each reaction is visible in the scope of an article quoting it, so the pages of the
    three viewers together hold all of them.
    """
    ids: dict[tuple[int, str], int] = {}
    movies = list(movie_ids)
    for viewer in VIEWERS:
        for movie_id in movies:
            page = await store.reaction_page(movie_id, viewer, offset=0, limit=100)
            ids.update({(movie_id, r.text): r.id for r in page.reactions})
    return ids


# ``backend`` only names the backend (a string), so sharing it across examples is safe.
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(articles=articles_strategy, removals=removals_strategy, state_calls=states_strategy)
def test_pages_totals_and_lists_match_a_model(
    backend: str,
    tmp_path_factory: pytest.TempPathFactory,
    articles: list[tuple[int, int, bool, list[int]]],
    removals: set[int],
    state_calls: list[tuple[int, int, int, bool | None, bool | None]],
) -> None:
    folder = tmp_path_factory.mktemp("model")

    async def run() -> None:
        opened = await open_backend(backend, folder)
        try:
            movie_ids: dict[int, int] = {}
            article_ids: list[int] = []
            for number, (movie, guild, spoiler, posts) in enumerate(articles):
                result = await opened.ingest_article(
                    article(
                        *(post(f"post {p}", f"h{p}") for p in posts),
                        movie=MOVIES[movie],
                        spoiler=spoiler,
                    ),
                    content_hash=f"article {number}",
                    guild_id=guild or None,
                )
                movie_ids[movie] = result.movie.id
                article_ids.append(result.article_id)
            removed = {number for number in removals if number < len(articles)}
            for number in sorted(removed):
                owner = articles[number][1] or None
                removal = await opened.remove_article(
                    article_ids[number], owner, include_global=True
                )
                assert removal.outcome is RemoveOutcome.REMOVED
            ids = await reaction_ids(opened, movie_ids.values())
            states: dict[tuple[int, int, int], tuple[bool, bool]] = {}
            for guild, movie, p, hidden, featured in state_calls:
                if movie not in movie_ids:
                    continue
                reaction_id = ids.get((movie_ids[movie], f"post {p}"))
                if reaction_id is None:
                    continue
                await opened.set_reaction_state(
                    guild, reaction_id, hidden=hidden, featured=featured
                )
                old_hidden, old_featured = states.get((guild, movie, p), (False, False))
                states[(guild, movie, p)] = (
                    old_hidden if hidden is None else hidden,
                    old_featured if featured is None else featured,
                )
            for viewer in VIEWERS:
                expected = expected_pages(articles, removed, states, viewer)
                listed = {s.movie.id: s.reaction_count for s in await opened.list_movies(viewer)}
                assert listed == {movie_ids[m]: len(rows) for m, rows in expected.items() if rows}
                for movie, movie_id in movie_ids.items():
                    whole = await opened.reaction_page(movie_id, viewer, offset=0, limit=100)
                    got = [(r.text, r.spoiler, r.featured) for r in whole.reactions]
                    assert got == expected[movie], (viewer, movie)
                    assert whole.total == len(expected[movie])
                    paged = [
                        r.text
                        for offset in range(0, len(got) + 2, 2)
                        for r in (
                            await opened.reaction_page(movie_id, viewer, offset=offset, limit=2)
                        ).reactions
                    ]
                    assert paged == [text for text, _, _ in got]
        finally:
            await opened.close()

    asyncio.run(run())
