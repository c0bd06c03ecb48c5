"""The platform registry: the one place parsing and rendering ask about a platform."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from bot.domain.models import SkippedPost
from bot.platforms.base import EmbedAttrs, Platform, PostRef
from bot.platforms.bluesky import BLUESKY
from bot.platforms.instagram import INSTAGRAM
from bot.platforms.mastodon import MASTODON
from bot.platforms.reddit import REDDIT
from bot.platforms.threads import THREADS
from bot.platforms.tiktok import TIKTOK
from bot.platforms.twitter import TWITTER

__all__ = [
    "EMBED_SELECTOR",
    "PLATFORMS",
    "describe_skipped",
    "embed_platform",
    "get",
    "platform_for_handle",
    "read_post_url",
]

# Order matters twice: an element is claimed by the first platform that knows its markup
# (X's generic ``[data-tweet-id]`` and ``div.tweet`` last), and a URL is read by the first
# whose post links it matches (Mastodon, which lives on any host, last).
PLATFORMS: tuple[Platform, ...] = (BLUESKY, TIKTOK, INSTAGRAM, REDDIT, THREADS, MASTODON, TWITTER)
_BY_NAME = {platform.name: platform for platform in PLATFORMS}
# Which platform a bare handle in an attribution line belongs to, tried in this order:
# ``user@instance`` is Mastodon, a name without dots X, a domain name Bluesky.
_HANDLE_ORDER: tuple[Platform, ...] = (MASTODON, TWITTER, BLUESKY)
_MASTODON_FULL = re.compile(r"[^@\s]+@[^@\s]+")

# Every element that is, or wraps, an embedded post of any platform. Lexbor returns the
# matches of a selector list in document order, which is the order of the posts.
EMBED_SELECTOR = ", ".join(platform.embed_selector for platform in PLATFORMS)


def get(name: str) -> Platform | None:
    """Return the platform called ``name`` (``twitter``, ``bluesky``…), or None."""
    return _BY_NAME.get(name)


def embed_platform(tag: str, names: frozenset[str], attrs: EmbedAttrs) -> Platform | None:
    """Return the platform whose embed an element (found by `EMBED_SELECTOR`) is."""
    for platform in PLATFORMS:
        if platform.claims(tag, names, attrs):
            return platform
    return None


def read_post_url(url: str | None) -> PostRef | None:
    """Return the post ``url`` links to on any known platform, or None."""
    for platform in PLATFORMS:
        if (found := platform.read_url(url)) is not None:
            return found
    return None


def platform_for_handle(handle: str) -> Platform | None:
    """Return the platform a handle's shape belongs to (without ``@``), or None."""
    handle = handle.strip().lstrip("@")
    for platform in _HANDLE_ORDER:
        if platform is MASTODON and not _MASTODON_FULL.fullmatch(handle):
            continue
        if platform.handle.fullmatch(handle):
            return platform
    return None


def _label(name: str) -> str:
    platform = get(name)
    return platform.label if platform else name


def describe_skipped(skipped: Iterable[SkippedPost]) -> str:
    """Say which posts have no text: ``2 Threads posts and 1 Instagram post have no text…``.

    Platforms come in the order their first post appears; empty for no posts.
    """
    counts = Counter(post.platform for post in skipped)
    if not counts:
        return ""
    parts = [
        f"{count} {_label(name)} post{'s' if count > 1 else ''}" for name, count in counts.items()
    ]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    verb = "has" if sum(counts.values()) == 1 else "have"
    return f"{listed} {verb} no text in the page"
