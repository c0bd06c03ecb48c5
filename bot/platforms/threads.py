"""Threads: ``threads.net``/``threads.com`` post links and ``blockquote.text-post-media``."""

from __future__ import annotations

import re

from bot.platforms.base import EmbedAttrs, Platform, url_quote

__all__ = ["THREADS"]


def _claims(tag: str, names: frozenset[str], attrs: EmbedAttrs) -> bool:
    return tag == "blockquote" and "text-post-media" in names


THREADS = Platform(
    name="threads",
    label="Threads",
    handle=re.compile(r"[A-Za-z0-9_.]{1,30}"),
    post_url=re.compile(
        r"^https?://(?:www\.)?threads\.(?:net|com)/@(?P<handle>[A-Za-z0-9_.]{1,30})"
        r"/post/(?P<id>[A-Za-z0-9_-]{1,64})",
        re.IGNORECASE,
    ),
    profile=lambda handle: f"https://www.threads.com/@{url_quote(handle)}",
    embed_selector="blockquote.text-post-media",
    claims=_claims,
)
