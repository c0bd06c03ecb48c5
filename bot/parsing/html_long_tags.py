"""Guard against a tag with so many attributes that the HTML parser crawls over it.

Lexbor checks each new attribute against the tag's others, so one tag with 50,000
attributes takes seconds. Real tags have tens; only a tag long enough to hold more than
`MAX_ATTRIBUTES` is counted, and a page without one (most pages) costs a look at one
position in every `_STEP` characters. Markup built to dodge the count (a quoted ">" in every
value...) still meets the parse worker's time limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.domain.errors import ParseError
from bot.parsing.html_guard import RAW_TEXT

__all__ = ["MAX_ATTRIBUTES", "check_attributes"]

MAX_ATTRIBUTES = 1_000
# A long tag: "<", a letter, then at least 2 * MAX_ATTRIBUTES characters before the next
# "<" or ">". IGNORECASE, as the second pass of the guard this replaced had: [A-Za-z] then
# also matches "İ", "ı", "ſ" and the Kelvin sign, so nothing that pass counted is left out.
_LONG_TAG = re.compile(rf"<[A-Za-z][^<>]{{{2 * MAX_ATTRIBUTES},}}", re.IGNORECASE)
# Its run of characters without "<" or ">" always holds a multiple of _STEP.
_STEP = 2 * MAX_ATTRIBUTES
_ATTRIBUTE = re.compile(r"""[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>=`]*))?""")
# Comments and raw-text elements (a script's "a<b" is no tag), each matched whole, to its end
# or the document's. Unrolled loops rather than a lazy ".*?": a script costs one step per "<"
# in it, not one per character.
_RAW_OR_COMMENT = re.compile(
    r"<!--[^-]*(?:-(?!->)[^-]*)*+(?:-->)?"
    rf"|<({'|'.join(sorted(RAW_TEXT | {'plaintext'}))})\b[^<>]*>[^<]*(?:<(?!/\1)[^<]*)*+(?:</\1)?",
    re.DOTALL | re.IGNORECASE,
)


def _long_tags(document: str) -> Iterator[tuple[int, int]]:
    """Yield where each long tag of ``document`` starts and ends (its next "<" or ">").

    A long tag's run holds a multiple of `_STEP`, and the last "<" before any position in
    it is the tag's own. So only every `_STEP`-th position is looked at: its last "<"
    (str.rfind, never back past the position looked at before), and whether a long tag
    starts there (a match that stops at the first "<" or ">"). Each character is read a
    bounded number of times, at C speed.
    """
    size = len(document)
    done = 0  # every long tag that starts before this position has been found
    position = 0
    while position < size:
        found = document.rfind("<", done, position + 1)
        if found >= 0 and (tag := _LONG_TAG.match(document, found)) is not None:
            yield found, tag.end()
            done = tag.end()
            position = max(done, position + _STEP)
            continue
        done = position + 1
        position += _STEP


def _many_attributes(document: str, start: int, end: int) -> bool:
    # subn counts the matches (up to one past the limit) without a match object for each.
    return _ATTRIBUTE.subn("", document[start:end], MAX_ATTRIBUTES + 1)[1] > MAX_ATTRIBUTES


class _Hiding:
    """The comments and raw-text elements of a document, read in order as far as asked."""

    __slots__ = ("_after", "_end", "_spans", "_start")

    def __init__(self, document: str) -> None:
        self._spans = _RAW_OR_COMMENT.finditer(document)
        self._start = self._end = -1
        self._after = len(document) + 1

    def cover(self, position: int) -> bool:
        """Say whether ``position`` lies in a comment or raw text (positions ascending)."""
        if self._end <= position:
            for found in self._spans:
                if found.end() > position:
                    self._start, self._end = found.span()
                    break
            else:
                self._start = self._end = self._after
        return self._start <= position


def check_attributes(document: str) -> None:
    """Raise `ParseError` when a tag of ``document`` has more than `MAX_ATTRIBUTES`."""
    hiding: _Hiding | None = None  # read once a crowded long "tag" is met: it may be script
    for start, end in _long_tags(document):
        if hiding is not None and hiding.cover(start):
            continue
        if not _many_attributes(document, start + 1, end):
            continue
        hiding = hiding or _Hiding(document)
        if not hiding.cover(start):
            raise ParseError(f"the HTML has a tag with more than {MAX_ATTRIBUTES:,} attributes")
