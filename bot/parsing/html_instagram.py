"""Instagram embeds: ``blockquote.instagram-media``, captioned or not, and rendered iframes."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from bot.domain.models import Reaction
from bot.parsing.clean import collapse_ws, parse_date
from bot.parsing.html_text import (
    Paragraphs,
    attr,
    embed_date,
    join_paragraphs,
    node_text,
    visible_text,
)
from bot.platforms.instagram import INSTAGRAM

__all__ = ["read_instagram"]

PLATFORM = INSTAGRAM.name

_PROFILE = re.compile(
    r"^https?://(?:www\.)?instagram\.com/([A-Za-z0-9_.]{1,30})/?(?:[?#]|$)", re.IGNORECASE
)
_HANDLE = re.compile(r"\(\s*@([A-Za-z0-9_.]{1,30})\s*\)")
# "A post shared by NAME (@handle)" in the languages the embed code is offered in.
_SHARED_BY = re.compile(
    r"^(?:a post shared by|ein beitrag geteilt von|une publication partagée par"
    r"|una publicación compartida (?:por|de)|un post condiviso da"
    r"|uma publicação compartilhada (?:por|de)|een bericht gedeeld door)\s*",
    re.IGNORECASE,
)
_MAX_PARAGRAPHS = 200


def _permalink(node: LexborNode) -> tuple[str | None, str | None]:
    """Return ``(url, shortcode)`` of the post an embed shows."""
    candidates = [attr(node, "data-instgrm-permalink"), attr(node, "src")]
    candidates += [link.attrs.get("href") for link in node.css('a[href*="instagram.com/"]')]
    for candidate in candidates:
        if (found := INSTAGRAM.read_url(candidate)) is not None:
            return found.url, found.post_id
    return None, None


def _author(attribution: LexborNode) -> tuple[str | None, str | None]:
    """Return ``(name, handle)`` from ``A post shared by NAME (@handle) on DATE``."""
    text = collapse_ws(attribution.text())
    match = _HANDLE.search(text)
    handle = match[1] if match else None
    name = None
    for link in attribution.css("a[href]"):
        profile = _PROFILE.match(link.attrs.get("href") or "")
        if profile:
            name = collapse_ws(link.text()) or None
            handle = handle or profile[1]
            break
    if name is None and match:
        name = _SHARED_BY.sub("", text[: match.start()]).strip() or None
    return name, handle


def _is_post_link(paragraph: LexborNode, url: str | None) -> bool:
    """Say whether a ``<p>`` is only a link to the post: version 13+'s attribution line.

    Embed code 13 and later carries no caption (``embed.js`` loads it); its last ``<p>``
    links to the post with ``Instagram Beitrag`` or ``A post shared by NAME (@handle)``
    (shared/platforms/SOURCES.md). A caption link is followed by its attribution.
    """
    links = paragraph.css("a[href]")
    if len(links) != 1 or url is None:
        return False
    found = INSTAGRAM.read_url(links[0].attrs.get("href"))
    return found is not None and found.url == url and node_text(links[0]) == node_text(paragraph)


def read_instagram(node: LexborNode) -> Reaction:
    """Read a ``blockquote.instagram-media``: the caption (if any), author and date."""
    url, shortcode = _permalink(node)
    paragraphs_nodes = node.css("p")[:_MAX_PARAGRAPHS]
    attribution = None
    for index in range(len(paragraphs_nodes) - 1, -1, -1):
        candidate = paragraphs_nodes[index]
        if candidate.css_first("time") is not None or _HANDLE.search(candidate.text()):
            attribution = candidate
            paragraphs_nodes = paragraphs_nodes[:index]
            break
    if attribution is None and paragraphs_nodes and _is_post_link(paragraphs_nodes[-1], url):
        paragraphs_nodes = paragraphs_nodes[:-1]
    caption: Paragraphs = []
    for paragraph in paragraphs_nodes:
        caption.extend(visible_text(paragraph))
    name, handle = _author(attribution) if attribution is not None else (None, None)
    date = None
    if attribution is not None and (time := attribution.css_first("time")) is not None:
        date = parse_date(attr(time, "datetime") or "") or embed_date(time.text())
    return Reaction(
        platform=PLATFORM,
        text=join_paragraphs(caption),
        author_name=name,
        handle=handle,
        date=date,
        url=url,
        post_id=shortcode,
    )
