"""Reddit: post and comment permalinks, ``u/`` names, ``blockquote.reddit-embed-bq``."""

from __future__ import annotations

import re

from bot.platforms.base import EmbedAttrs, Platform, url_quote

__all__ = ["REDDIT"]


def _claims(tag: str, names: frozenset[str], attrs: EmbedAttrs) -> bool:
    return tag == "blockquote" and "reddit-embed-bq" in names


REDDIT = Platform(
    name="reddit",
    label="Reddit",
    handle=re.compile(r"[A-Za-z0-9_-]{1,30}"),
    # The ID of a comment permalink is the comment's, not its thread's.
    post_url=re.compile(
        r"^https?://(?:www\.|old\.|new\.)?reddit\.com/r/[A-Za-z0-9_]{1,50}/comments/"
        r"(?:[a-z0-9]{1,12}/comment/)?(?P<id>[a-z0-9]{1,12})",
        re.IGNORECASE,
    ),
    profile=lambda handle: f"https://www.reddit.com/user/{url_quote(handle)}/",
    embed_selector="blockquote.reddit-embed-bq",
    claims=_claims,
)
