"""Article parsing: bytes or text in, an `Article` with its reactions out. Pure: no I/O."""

from __future__ import annotations

import re

from bot.domain.errors import NoReactions, ParseError
from bot.domain.models import Article, MovieRef, Reaction, SkippedPost
from bot.parsing.decode import Decoded, decode_bytes
from bot.parsing.extract import Extract
from bot.parsing.html import extract_html
from bot.parsing.limits import (
    MAX_INPUT_BYTES,
    MAX_REACTION_CHARS,
    MAX_REACTIONS,
    cap_reaction,
    cap_title,
    check_input_size,
    encodable,
    encoded,
)
from bot.parsing.meta import detect_movie, detect_spoiler
from bot.parsing.text import extract_text
from bot.platforms import describe_skipped

__all__ = [
    "MAX_INPUT_BYTES",
    "MAX_REACTIONS",
    "MAX_REACTION_CHARS",
    "check_input_size",
    "looks_like_html",
    "parse",
]

_HTML_SNIFF = re.compile(
    r"<\s*(?:!doctype\s+html|html|head|body|blockquote|p|div|article|meta|amp-twitter)[\s>/]",
    re.IGNORECASE,
)


# An embed code anywhere makes a page markup: a Markdown page source carries its embeds
# as raw HTML after pages of plain text (shared/platforms/SOURCES.md, zagroba-*).
_EMBED_SNIFF = re.compile(r"<(?:blockquote|iframe)\s[^<>]{0,4000}class=", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """Say whether ``text`` is markup rather than a plain-text article."""
    return bool(_HTML_SNIFF.search(text[:4096]) or _EMBED_SNIFF.search(text))


def _dedupe(reactions: list[Reaction]) -> tuple[tuple[Reaction, ...], tuple[SkippedPost, ...]]:
    """Keep the first of posts embedded more than once; set aside posts without text.

    Posts are capped first (a cut text is what gets stored, so it is what must be
    unique), and at most `MAX_REACTIONS` are kept. A post without text is skipped
    (reported, not stored) unless the page also shows it with text; one that names no
    URL or ID is not reported either, since nothing would tell it apart.
    """
    seen: set[str] = set()
    kept: list[Reaction] = []
    textless: dict[str, Reaction] = {}
    for found in reactions:
        reaction = cap_reaction(found)
        key = reaction.key()
        if not reaction.text.strip():
            if (reaction.url or reaction.post_id) and len(textless) < MAX_REACTIONS:
                textless.setdefault(key, reaction)
            continue
        if key not in seen and len(kept) < MAX_REACTIONS:
            seen.add(key)
            kept.append(reaction)
    skipped = tuple(
        SkippedPost(platform=post.platform, url=post.url)
        for key, post in textless.items()
        if key not in seen
    )
    return tuple(kept), skipped


def _quotes_a_post(found: list[Reaction]) -> bool:
    """Say whether `_dedupe` keeps any of ``found``: whether one has text once capped.

    A page without one is refused (`NoReactions`) whatever its title, date and prose.
    """
    return any(cap_reaction(reaction).text.strip() for reaction in found)


def _movie_ref(title: str) -> MovieRef:
    return MovieRef.from_title(cap_title(title) or "")


def parse(
    data: bytes | str,
    *,
    movie: str | None = None,
    source: str | None = None,
    charset: str | None = None,
) -> Article:
    """Parse one article (plain text or HTML, detected) into an `Article`.

    ``movie`` overrides the movie found in the article; ``charset`` is the encoding a
    server declared for ``data``. Raises `ParseError` when the input is larger than
    `MAX_INPUT_BYTES` or is not text, and `NoReactions` when it holds no post with text
    (naming the posts it holds without text). Posts without text are listed in
    ``skipped``.
    The result is capped (`MAX_REACTIONS` posts, `MAX_REACTION_CHARS` characters of text
    each) and every string in it encodes as UTF-8.
    """
    check_input_size(data)
    decoded = decode_bytes(data, charset) if isinstance(data, bytes) else Decoded(data)
    text, utf8 = decoded.text, decoded.utf8
    # In UTF-8 a NUL byte is a NUL character, and bytes are searched faster than text.
    if (b"\x00" in utf8) if utf8 is not None else ("\x00" in text):
        raise ParseError("the file is not text (it contains NUL bytes)")
    if utf8 is None:
        text, utf8 = encoded(text)
    extract: Extract = (
        extract_html(text, utf8=utf8, wants_page=_quotes_a_post)
        if looks_like_html(text)
        else extract_text(text)
    )
    reactions, skipped = _dedupe(extract.reactions)
    if not reactions:
        if skipped:
            raise NoReactions(f"no reactions found: {describe_skipped(skipped)}")
        raise NoReactions("no reactions found: the article quotes no posts with text")
    title = cap_title(extract.title)
    detected = (
        MovieRef.from_title(movie)
        if movie and movie.strip()
        else detect_movie(title, extract.prose, reactions)
    )
    return Article(
        title=title,
        movie=None if detected is None else _movie_ref(detected.title),
        spoiler=detect_spoiler(extract.prose),
        published=extract.published,
        source=None if source is None else encodable(source),
        reactions=reactions,
        skipped=skipped,
    )
