"""Mastodon: ``user@instance`` handles, ``/@user/ID`` links on any instance, embeds."""

from __future__ import annotations

import re

from bot.platforms.base import EmbedAttrs, Platform, url_quote

__all__ = ["MASTODON"]

_HOST = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.){1,10}[A-Za-z]{2,63}"


def _profile(handle: str) -> str | None:
    """Return ``https://instance/@user``; a handle without its instance has no known home."""
    user, _, host = handle.partition("@")
    return f"https://{host.lower()}/@{url_quote(user)}" if host else None


def _claims(tag: str, names: frozenset[str], attrs: EmbedAttrs) -> bool:
    return "mastodon-embed" in names


MASTODON = Platform(
    name="mastodon",
    label="Mastodon",
    handle=re.compile(rf"[A-Za-z0-9_]{{1,30}}(?:@{_HOST})?"),
    # Any instance: a status is ``/@user/<numeric id>`` there (``/embed`` for the iframe).
    post_url=re.compile(
        rf"^https?://{_HOST}/@(?P<handle>[A-Za-z0-9_]{{1,30}})(?:@{_HOST})?/(?P<id>\d{{1,20}})"
        r"(?:/embed)?/?$"
    ),
    profile=_profile,
    embed_selector="blockquote.mastodon-embed, iframe.mastodon-embed",
    claims=_claims,
)
