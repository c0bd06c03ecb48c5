"""Caps on what the parser reads and returns, and text that always encodes as UTF-8."""

from __future__ import annotations

import dataclasses
import re

from bot.domain.errors import ParseError
from bot.domain.models import Reaction

__all__ = [
    "MAX_INPUT_BYTES",
    "MAX_REACTIONS",
    "MAX_REACTION_CHARS",
    "cap_reaction",
    "cap_text",
    "check_input_size",
    "encodable",
    "encoded",
]

# An article is a web page: the largest we have seen is well under 2 MB. Anything bigger
# is refused before it is parsed (README, "Limits").
MAX_INPUT_BYTES = 5 * 1024 * 1024
# What one article may add: no real article quotes hundreds of posts, and Discord shows a
# post's text in an embed description of at most 4,096 characters.
MAX_REACTIONS = 500
MAX_REACTION_CHARS = 4_000
MAX_NAME_CHARS = 200
MAX_TITLE_CHARS = 300
# Identifiers are dropped rather than cut when longer: half a URL or handle is wrong.
MAX_HANDLE_CHARS = 64
MAX_POST_ID_CHARS = 64
MAX_URL_CHARS = 2_048
MAX_DATE_CHARS = 32

ELLIPSIS = "\u2026"
# Python strings may hold lone surrogates (a UTF-7 page, a "\ud800" escape in JSON), which
# neither SQLite nor a UTF-8 JSON encoder accepts.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def check_input_size(data: bytes | str) -> None:
    """Raise `ParseError` when ``data`` is larger than `MAX_INPUT_BYTES`.

    Text is measured in characters, a lower bound on its UTF-8 size, so the check stays
    cheaper than the encoding it would otherwise need.
    """
    size = len(data)
    if size > MAX_INPUT_BYTES:
        raise ParseError(
            f"the article is {_megabytes(size)}; articles are at most "
            f"{_megabytes(MAX_INPUT_BYTES)}, so it was not read"
        )


def encodable(text: str) -> str:
    """Return ``text`` with every lone surrogate replaced by U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


def encoded(text: str) -> tuple[str, bytes]:
    """Return `encodable` ``text`` and its UTF-8 bytes, encoding it once when it can."""
    try:
        return text, text.encode("utf-8")
    except UnicodeEncodeError:
        text = _SURROGATE.sub("\ufffd", text)
        return text, text.encode("utf-8")


def cap_text(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, on a word when one is near, with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def _optional_text(value: str | None, limit: int) -> str | None:
    return None if value is None else cap_text(encodable(value), limit)


def _identifier(value: str | None, limit: int) -> str | None:
    if value is None or len(value) > limit:
        return None
    return encodable(value)


def cap_reaction(reaction: Reaction) -> Reaction:
    """Return ``reaction`` within the output caps, every field encodable as UTF-8."""
    capped = dataclasses.replace(
        reaction,
        platform=encodable(reaction.platform),
        text=cap_text(encodable(reaction.text), MAX_REACTION_CHARS),
        author_name=_optional_text(reaction.author_name, MAX_NAME_CHARS),
        handle=_identifier(reaction.handle, MAX_HANDLE_CHARS),
        date=_identifier(reaction.date, MAX_DATE_CHARS),
        url=_identifier(reaction.url, MAX_URL_CHARS),
        post_id=_identifier(reaction.post_id, MAX_POST_ID_CHARS),
    )
    return reaction if capped == reaction else capped


def cap_title(title: str | None) -> str | None:
    """Return an article or movie title within `MAX_TITLE_CHARS`, encodable."""
    return _optional_text(title, MAX_TITLE_CHARS)
