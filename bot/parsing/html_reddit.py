"""Reddit embeds: the ``blockquote.reddit-embed-bq`` fallback shown before Reddit's script."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from bot.domain.models import Reaction
from bot.parsing.html_text import node_text
from bot.platforms.reddit import REDDIT

__all__ = ["read_reddit"]

_USER = re.compile(r"^https?://(?:www\.|old\.|new\.)?reddit\.com/u(?:ser)?/([A-Za-z0-9_-]{1,30})")


def read_reddit(node: LexborNode) -> Reaction:
    """Read a Reddit embed: a post's title is its text; a comment embed shows none."""
    links = node.css("a[href]")
    first = links[0] if links else None
    found = REDDIT.read_url(first.attrs.get("href")) if first is not None else None
    handle = None
    for link in links:
        shown = node_text(link)
        if shown.startswith("u/"):
            handle = shown[2:] or None
            break
        if (user := _USER.match(link.attrs.get("href") or "")) is not None:
            handle = user[1]
            break
    is_comment = found is not None and "/comment/" in found.url
    return Reaction(
        platform=REDDIT.name,
        text="" if is_comment or found is None or first is None else node_text(first),
        handle=handle,
        url=found.url if found else None,
        post_id=found.post_id if found else None,
    )
