"""Instagram: ``/p/``, ``/reel/`` and ``/tv/`` permalinks and ``blockquote.instagram-media``."""

from __future__ import annotations

import re

from bot.platforms.base import EmbedAttrs, Platform, url_quote

__all__ = ["INSTAGRAM"]


def _claims(tag: str, names: frozenset[str], attrs: EmbedAttrs) -> bool:
    return "instagram-media" in names


INSTAGRAM = Platform(
    name="instagram",
    label="Instagram",
    handle=re.compile(r"[A-Za-z0-9_.]{1,30}"),
    # A permalink may start with the author (``/name/p/CODE``), but ``/p/CODE`` names no
    # one: its first segment is not a user (shared/platforms/SOURCES.md).
    post_url=re.compile(
        r"^https?://(?:www\.)?instagram\.com/(?:(?P<handle>[A-Za-z0-9_.]{1,30})/)?"
        r"(?:p|reel|reels|tv)/(?P<id>[A-Za-z0-9_-]{1,64})",
        re.IGNORECASE,
    ),
    profile=lambda handle: f"https://www.instagram.com/{url_quote(handle)}/",
    embed_selector=".instagram-media",
    claims=_claims,
)
