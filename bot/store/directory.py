"""A server's movie directory in memory: its movies and every name of them, indexed.

Built once per server from the database and kept while nothing it holds changes
(bot/store/cache.py); autocomplete and "did you mean" ask it instead of reading and
ranking every name per keystroke (issue 15). It answers three questions: the first movies
by title, the movies with a name starting with what was typed (sorted names, bisect), and
the few names worth ranking against a query (a trigram index), so a fuzzy scorer ranks a
short list rather than every name.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence

from rapidfuzz import utils

from bot.domain.records import Movie, MovieSummary

GRAM = 3
"""Letters per gram of the candidate index."""
SMALL = 1_000
"""A directory of at most this many names offers all of them as candidates."""
POSTINGS = 1.0
"""Names counted per candidate look-up, as a share of the directory: beside each word's
rarest trigram, the query's others are counted rarest first, and common ones ("the", "he ")
only while within this."""
_PAST_PREFIX = "\U0010ffff"
"""Sorts after any name that starts with a prefix: the bisect's upper bound."""


def processed(text: str) -> str:
    """Return text as the fuzzy scorer compares it: lower case, letters and digits, spaced."""
    return utils.default_process(text)


def word_grams(word: str) -> set[str]:
    """Return the trigrams of one word, padded by a space on each side."""
    padded = f" {word} "
    return {padded[i : i + GRAM] for i in range(len(padded) - GRAM + 1)}


def grams(text: str) -> set[str]:
    """Return the trigrams of every word of already processed text."""
    return set().union(*(word_grams(word) for word in text.split()))


class MovieDirectory:
    """The movies one server sees, by title, with every name of each (read-only)."""

    def __init__(
        self, summaries: Sequence[MovieSummary], names: Sequence[tuple[Movie, str]]
    ) -> None:
        """Index ``summaries`` (by title) and their ``names`` (grouped by movie, in order)."""
        self.summaries = tuple(summaries)
        self.names = tuple(names)
        position = {summary.movie.id: index for index, summary in enumerate(self.summaries)}
        self._movie_at = tuple(position[movie.id] for movie, _ in self.names)
        self.processed = tuple(processed(name) for _, name in self.names)
        folded = sorted((name.casefold(), index) for index, (_, name) in enumerate(self.names))
        self._folded = [key for key, _ in folded]
        self._folded_name = [index for _, index in folded]
        postings: dict[str, list[int]] = {}
        for index, text in enumerate(self.processed):
            for gram in grams(text):
                postings.setdefault(gram, []).append(index)
        self._postings = {gram: tuple(indexes) for gram, indexes in postings.items()}

    def movie(self, name_index: int) -> Movie:
        """Return the movie the name at ``name_index`` names."""
        return self.names[name_index][0]

    def first(self, limit: int) -> list[Movie]:
        """Return the first ``limit`` movies by title."""
        return [summary.movie for summary in self.summaries[:limit]]

    def starting_with(self, prefix: str, limit: int) -> list[Movie]:
        """Return the first ``limit`` movies, by title, with a name that starts with ``prefix``.

        Names and prefix compare case-folded.
        """
        folded = prefix.casefold()
        low = bisect_left(self._folded, folded)
        high = bisect_left(self._folded, folded + _PAST_PREFIX, low)
        positions = {self._movie_at[index] for index in self._folded_name[low:high]}
        return [self.summaries[at].movie for at in heapq.nsmallest(limit, positions)]

    def candidates(self, query: str, limit: int) -> list[int]:
        """Return at most ``limit`` name indexes worth ranking against ``query``, ascending.

        ``query`` is processed (see `processed`). A small directory offers every name; a
        query of one or two letters, the names that contain it; a longer one, the names
        sharing the most of its trigrams, the rarest counted first.
        """
        if len(self.names) <= SMALL:
            return list(range(len(self.names)))
        if len(query) < GRAM:
            found = [index for index, text in enumerate(self.processed) if query in text]
            return found[:limit]
        # Each word's rarest trigram counts, so every word has a say; then the others,
        # rarest first, while the budget lasts.
        counted: list[tuple[int, ...]] = []
        others: list[tuple[int, ...]] = []
        for word in query.split():
            lists = sorted(
                (self._postings[gram] for gram in word_grams(word) if gram in self._postings),
                key=len,
            )
            counted += lists[:1]
            others += lists[1:]
        budget = len(self.names) * POSTINGS - sum(map(len, counted))
        for names in sorted(others, key=len):
            if len(names) > budget:
                break
            budget -= len(names)
            counted.append(names)
        shared: Counter[int] = Counter()
        for names in counted:
            shared.update(names)
        return sorted(index for index, _ in shared.most_common(limit))
