"""TikTok: ``@handle/video/ID`` links, ``blockquote.tiktok-embed`` and the player iframe."""

from __future__ import annotations

import re

from bot.platforms.base import EmbedAttrs, Platform, url_quote

__all__ = ["TIKTOK", "is_player"]

_PLAYER = re.compile(r"^https?://(?:www\.)?tiktok\.com/(?:player/v1|embed(?:/v2)?)/\d", re.I)


def is_player(src: str | None) -> bool:
    """Say whether ``src`` is TikTok's video player (an iframe with no text)."""
    return bool(src and _PLAYER.match(src.strip()))


def _claims(tag: str, names: frozenset[str], attrs: EmbedAttrs) -> bool:
    if tag == "blockquote" and "tiktok-embed" in names:
        return True
    return tag == "iframe" and is_player(attrs.get("src"))


TIKTOK = Platform(
    name="tiktok",
    label="TikTok",
    handle=re.compile(r"[A-Za-z0-9_.]{1,24}"),
    post_url=re.compile(
        r"^https?://(?:www\.|m\.)?tiktok\.com/"
        r"(?:@(?P<handle>[A-Za-z0-9_.]{1,24})/(?:video|photo)|player/v1|embed(?:/v2)?)"
        r"/(?P<id>\d{1,25})",
        re.IGNORECASE,
    ),
    profile=lambda handle: f"https://www.tiktok.com/@{url_quote(handle)}",
    embed_selector='blockquote.tiktok-embed, iframe[src*="tiktok.com/player/"], '
    'iframe[src*="tiktok.com/embed/"]',
    claims=_claims,
)
