"""X (Twitter): status URLs, snowflake IDs, and the embed codes X and news sites print."""

from __future__ import annotations

import datetime as dt
import re

from bot.platforms.base import EmbedAttrs, Platform, url_quote

__all__ = ["TWITTER", "snowflake_date"]

_EPOCH_MS = 1_288_834_974_657
_FIRST_SNOWFLAKE = 2**22 * 10**9  # IDs below this predate time-based tweet IDs
_DIGITS = re.compile(r"[0-9]{1,25}")
_CLASSIC = frozenset({"twitter-tweet", "twitter-video"})


def snowflake_date(post_id: str) -> str | None:
    """Return the UTC day encoded in a (post-2010) tweet ID, or None."""
    if not _DIGITS.fullmatch(post_id):
        return None
    number = int(post_id)
    if number < _FIRST_SNOWFLAKE:
        return None
    millis = (number >> 22) + _EPOCH_MS
    try:
        return dt.datetime.fromtimestamp(millis / 1000, tz=dt.UTC).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return None


def _claims(tag: str, names: frozenset[str], attrs: EmbedAttrs) -> bool:
    """Classic blockquotes, ``amp-twitter``, ID-only widgets and Substack cards."""
    if tag == "amp-twitter" or names & _CLASSIC:
        return True
    if "data-tweet-id" in attrs:
        return True
    return tag == "div" and "tweet" in names


TWITTER = Platform(
    name="twitter",
    label="X",
    handle=re.compile(r"[A-Za-z0-9_]{1,30}"),
    post_url=re.compile(
        r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(?P<handle>[A-Za-z0-9_]{1,30})"
        r"/status(?:es)?/(?P<id>\d{1,25})",
        re.IGNORECASE,
    ),
    profile=lambda handle: f"https://x.com/{url_quote(handle)}",
    embed_selector=", ".join(
        (
            ".twitter-tweet",  # classic blockquote, and the div of a rendered one
            ".twitter-video",
            "amp-twitter",
            "[data-tweet-id]",  # ID-only widgets, rendered iframes
            "div.tweet",  # Substack
        )
    ),
    claims=_claims,
    id_date=snowflake_date,
)
