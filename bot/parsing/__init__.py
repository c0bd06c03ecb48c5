"""Article parsing: bytes or text in, an `Article` with its reactions out. Pure: no I/O."""

from __future__ import annotations

import re

from bot.errors import NoReactions, ParseError
from bot.models import Article, MovieRef, Reaction
from bot.parsing.decode import decode_document
from bot.parsing.extract import Extract
from bot.parsing.html import extract_html
from bot.parsing.meta import detect_movie, detect_spoiler
from bot.parsing.text import extract_text

__all__ = ["looks_like_html", "parse"]

_HTML_SNIFF = re.compile(
    r"<\s*(?:!doctype\s+html|html|head|body|blockquote|p|div|article|meta|amp-twitter)[\s>/]",
    re.IGNORECASE,
)


def looks_like_html(text: str) -> bool:
    """Say whether ``text`` is markup rather than a plain-text article."""
    return bool(_HTML_SNIFF.search(text[:4096]))


def _dedupe(reactions: list[Reaction]) -> tuple[Reaction, ...]:
    """Keep the first of posts embedded more than once, and only posts with text."""
    seen: set[str] = set()
    kept: list[Reaction] = []
    for reaction in reactions:
        if not reaction.text.strip():
            continue
        key = reaction.key()
        if key not in seen:
            seen.add(key)
            kept.append(reaction)
    return tuple(kept)


def parse(
    data: bytes | str,
    *,
    movie: str | None = None,
    source: str | None = None,
    charset: str | None = None,
) -> Article:
    """Parse one article (plain text or HTML, detected) into an `Article`.

    ``movie`` overrides the movie found in the article; ``charset`` is the encoding a
    server declared for ``data``. Raises `ParseError` when the input is not text and
    `NoReactions` when it holds no post with text.
    """
    text = decode_document(data, charset) if isinstance(data, bytes) else data
    if "\x00" in text:
        raise ParseError("the file is not text (it contains NUL bytes)")
    extract: Extract = extract_html(text) if looks_like_html(text) else extract_text(text)
    reactions = _dedupe(extract.reactions)
    if not reactions:
        raise NoReactions("no reactions found: the article quotes no posts with text")
    movie_ref = (
        MovieRef.from_title(movie)
        if movie and movie.strip()
        else detect_movie(extract.title, extract.prose, reactions)
    )
    return Article(
        title=extract.title,
        movie=movie_ref,
        spoiler=detect_spoiler(extract.prose),
        published=extract.published,
        source=source,
        reactions=reactions,
    )
