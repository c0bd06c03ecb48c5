"""Embeds whose page holds no post text (Mastodon, Threads): recognised, so they are counted."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from bot.domain.models import Reaction
from bot.parsing.html_text import attr, node_text
from bot.platforms.mastodon import MASTODON
from bot.platforms.threads import THREADS

__all__ = ["read_mastodon", "read_threads"]

# "Post by @user@instance" / "Post by @user": the only author the placeholder shows.
_POST_BY = re.compile(r"@([A-Za-z0-9_.]{1,30}(?:@[A-Za-z0-9.-]{1,253})?)")


def _shown_handle(node: LexborNode) -> str | None:
    match = _POST_BY.search(node_text(node)[:2_000])
    return match[1] if match else None


def read_mastodon(node: LexborNode) -> Reaction:
    """Read a Mastodon 4.3 blockquote or an older ``iframe.mastodon-embed``."""
    if node.tag == "iframe":
        found = MASTODON.read_url(attr(node, "src"))
        handle = found.handle if found else None
    else:
        link = node.css_first("a[href]")
        found = MASTODON.read_url(link.attrs.get("href") if link is not None else None)
        found = found or MASTODON.read_url(attr(node, "data-embed-url"))
        handle = _shown_handle(node) or (found.handle if found else None)
    url = found.url.removesuffix("/embed") if found else None
    return Reaction(
        platform=MASTODON.name,
        text="",
        handle=handle,
        url=url,
        post_id=found.post_id if found else None,
    )


def read_threads(node: LexborNode) -> Reaction:
    """Read a Threads ``blockquote.text-post-media``."""
    found = THREADS.read_url(attr(node, "data-text-post-permalink"))
    if found is None and (link := node.css_first("a[href]")) is not None:
        found = THREADS.read_url(link.attrs.get("href"))
    return Reaction(
        platform=THREADS.name,
        text="",
        handle=_shown_handle(node) or (found.handle if found else None),
        url=found.url if found else None,
        post_id=found.post_id if found else None,
    )
