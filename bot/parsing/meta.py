"""Find what an article is about: its movie and whether it warns of spoilers."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from bot.domain.models import MovieRef, Reaction

_QUOTE_OPEN = "\"“‘'«"
_QUOTE_CLOSE = "\"”’'»"
# A title as headlines write it: capitalised words and numbers, joined by spaces, a colon
# or a spaced dash, with short function words between them: `Dune: Part Two`,
# `Spider-Man: Across the Spider-Verse`, `Ocean's 8`, `Mission: Impossible – Dead Reckoning`.
# Every quantifier is bounded, and words cannot overlap, so a search stays linear.
_WORD = r"(?:[A-Z0-9ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝ][\w'’&.-]{0,30})"
_SMALL = r"(?:of|the|a|an|and|at|in|to|for|vs\.?)"
_TITLE_CASE = rf"{_WORD}(?:(?:\s|:\s|\s[-–—]\s)(?:{_SMALL}\s){{0,3}}{_WORD}){{0,12}}"
# Words that follow "the movie" in a sentence rather than start a title: "the film is
# streaming now" names no film.
_NOT_TITLE = r"(?:is|has|was|and|which|that|by|from|starring|directed)\b"
# "from the movie 12th Fail", "the film 'Oppenheimer'", "the movie Dune: Part Two"
_NAMED = re.compile(
    rf"\b(?i:the\s+(?:movie|film))\s+(?!(?i:{_NOT_TITLE}))"
    r"(?:[\"“‘'«](?P<quoted>[^\"”«»\n]{1,80}?)[\"”’'»](?!\w)"
    rf"|(?P<title_case>{_TITLE_CASE})(?<![.’'-])"
    r"|(?P<title>[^\n.,;:!?\"”’«»()]{1,80}?)(?=\s*(?:[.,;:!?()\n]|$"
    r"|\s(?i:is|has|was|and|which|that|by|from|starring|directed)\b)))",
)
_POSSESSIVE = re.compile(r"(?<=\w)['’]s$")
# "Internet reacts to 'Barbie'", "reactions to Oppenheimer", "Twitter reacted to Dune"
_REACTED_TO = re.compile(
    r"\breact(?:s|ed|ions?)?\s+to\s+(?:the\s+)?(?:movie\s+|film\s+)?"
    r"[\"“‘'«](?P<quoted>[^\"”’'»]{1,80})[\"”’'»]",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[\"“‘«](?P<title>[^\"”’»]{1,60})[\"”’»]")
_HASHTAG = re.compile(r"#(\w{3,40})")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=\d)(?!\d*(?:st|nd|rd|th)\b)")

_SPOILER_WARNING = re.compile(
    r"\bspoilers?\s*(?:alert|warning|ahead)\b|\bspoiler\s*:|\bcontains?\s+(?:major\s+|minor\s+|a\s+|some\s+)?spoilers?\b"
    r"|\b(?:major|minor|heavy)\s+spoilers\b",
    re.IGNORECASE,
)
_SPOILER_FREE = re.compile(
    r"\b(?:spoiler[- ]free|no\s+spoilers|without\s+spoilers)\b", re.IGNORECASE
)


# IGNORECASE matches "İ" and "ı" to "i" and "ſ" to "s", which str.lower() leaves alone.
_ODD_CASES = ("\u0130", "\u0131", "\u017f")


def _may_hold(text: str, *words: str) -> bool:
    """Say whether ``text`` may hold one of ``words`` (lower case) in any case.

    False only when it surely does not, so that an IGNORECASE search for a pattern that
    needs one of them can be skipped: lower() and ``in`` run at C speed, while the
    patterns' leading word boundary and alternatives are tried at every position.
    """
    if any(odd in text for odd in _ODD_CASES):
        return True
    lowered = text.lower()
    return any(word in lowered for word in words)


def _from_hashtags(reactions: Iterable[Reaction]) -> MovieRef | None:
    """Take the hashtag most posts share, ``#12thFail`` -> ``12th Fail``."""
    counts = Counter(tag for reaction in reactions for tag in set(_HASHTAG.findall(reaction.text)))
    if not counts:
        return None
    tag, count = counts.most_common(1)[0]
    if count < 2 and len(counts) > 1:
        return None
    return MovieRef.from_title(_CAMEL.sub(" ", tag))


def detect_movie(title: str | None, prose: str, reactions: Iterable[Reaction]) -> MovieRef | None:
    """Return the movie an article is about, from its prose, title or hashtags."""
    head = prose[:5000]
    for text in (head, title or ""):
        if _may_hold(text, "movie", "film") and (match := _NAMED.search(text)):
            if match["title_case"]:  # "the film Barbie's ending": a possessive, not a title
                return MovieRef.from_title(_POSSESSIVE.sub("", match["title_case"]))
            return MovieRef.from_title(match["quoted"] or match["title"])
    for text in (title or "", head):
        if _may_hold(text, "react") and (match := _REACTED_TO.search(text)):
            return MovieRef.from_title(match["quoted"])
    if title and (match := _QUOTED.search(title)):
        return MovieRef.from_title(match["title"])
    return _from_hashtags(reactions)


def detect_spoiler(prose: str) -> bool:
    """Say whether the article warns that it contains spoilers."""
    head = prose[:5000]
    if not _may_hold(head, "spoiler"):  # every warning and every denial names spoilers
        return False
    if _SPOILER_FREE.search(head):
        return False
    return bool(_SPOILER_WARNING.search(head))
