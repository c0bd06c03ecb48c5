"""Movie and spoiler detection skip their costly searches only where nothing can match.

The searches are IGNORECASE, which matches "İ" and "ı" to "i" and "ſ" to "s"; the cheap
check before them must never skip a text that one of them would match.
"""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.models import MovieRef
from bot.parsing import meta
from bot.parsing.meta import detect_movie, detect_spoiler

EXAMPLES = int(os.environ.get("REEL_HYPOTHESIS_EXAMPLES", "300"))


def searched_movie(title: str, prose: str) -> MovieRef | None:
    """What `detect_movie` finds with every search run (no hashtags: no posts)."""
    head = prose[:5000]
    for text in (head, title):
        if match := meta._NAMED.search(text):
            if match["title_case"]:
                return MovieRef.from_title(meta._POSSESSIVE.sub("", match["title_case"]))
            return MovieRef.from_title(match["quoted"] or match["title"])
    for text in (title, head):
        if match := meta._REACTED_TO.search(text):
            return MovieRef.from_title(match["quoted"])
    if title and (match := meta._QUOTED.search(title)):
        return MovieRef.from_title(match["title"])
    return None


def searched_spoiler(prose: str) -> bool:
    head = prose[:5000]
    if meta._SPOILER_FREE.search(head):
        return False
    return bool(meta._SPOILER_WARNING.search(head))


PARTS = st.sampled_from(
    [
        *("the movie ", "THE FILM ", "The F\u0130lm ", "the f\u0131lm ", "the mov\u0131e "),
        *("Dune: Part Two", "'Barbie'", "\u201cOppenheimer\u201d", " is ", ". ", "\n", " "),
        *("reacts to ", "REACTED TO ", "re\u0130cts to ", "Reactions to the film "),
        *("spoilers ahead", "SPOILER: ", "\u017fpoiler alert", "spo\u0131lers ahead"),
        *("no spoilers", "spoiler-free", "contains major \u017fpoilers", "heavy spoilers"),
        *("\u0130", "\u0131", "\u017f", "K", "x", "\U0001f600"),
    ]
)
TEXTS = st.lists(PARTS | st.text(max_size=3), max_size=16).map("".join)


@settings(max_examples=EXAMPLES, deadline=None)
@given(TEXTS, TEXTS)
def test_movie_detection_finds_what_the_searches_find(title: str, prose: str) -> None:
    assert detect_movie(title, prose, []) == searched_movie(title, prose)


@settings(max_examples=EXAMPLES, deadline=None)
@given(TEXTS)
def test_spoiler_detection_finds_what_the_searches_find(prose: str) -> None:
    assert detect_spoiler(prose) is searched_spoiler(prose)


def test_odd_cases_still_count() -> None:
    assert detect_spoiler("\u017fpoilers ahead")
    assert detect_movie(None, "We saw the f\u0130lm 'Dune' today.", []) == MovieRef.from_title(
        "Dune"
    )
