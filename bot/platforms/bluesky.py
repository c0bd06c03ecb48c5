"""Bluesky: domain handles, ``bsky.app`` post links, TID record keys, ``bluesky-embed``."""

from __future__ import annotations

import datetime as dt
import re

from bot.platforms.base import EmbedAttrs, Platform, url_quote

__all__ = ["BLUESKY", "tid_moment"]

# A TID is 13 characters of base32-sortable: 53 bits of microseconds since the epoch
# (UTC), then 10 bits of clock ID (https://atproto.com/specs/tid).
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_TID = re.compile(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}")


def tid_moment(record_key: str) -> dt.datetime | None:
    """Return the UTC time a TID record key encodes, or None when it is not a TID."""
    if not _TID.fullmatch(record_key):
        return None
    value = 0
    for char in record_key:
        value = value * 32 + _TID_ALPHABET.index(char)
    try:
        return dt.datetime.fromtimestamp((value >> 10) / 1_000_000, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _tid_date(record_key: str) -> str | None:
    moment = tid_moment(record_key)
    return moment.date().isoformat() if moment else None


def _claims(tag: str, names: frozenset[str], attrs: EmbedAttrs) -> bool:
    return tag == "blockquote" and "bluesky-embed" in names


BLUESKY = Platform(
    name="bluesky",
    label="Bluesky",
    # A handle is a domain name (``name.bsky.social``, ``example.com``).
    handle=re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,10}[A-Za-z]{2,63}"),
    post_url=re.compile(
        r"^https?://(?:www\.)?bsky\.app/profile/(?P<handle>[A-Za-z0-9.:_-]{1,253})"
        r"/post/(?P<id>[A-Za-z0-9._~-]{1,64})",
        re.IGNORECASE,
    ),
    profile=lambda handle: f"https://bsky.app/profile/{url_quote(handle)}",
    embed_selector="blockquote.bluesky-embed",
    claims=_claims,
    id_date=_tid_date,
)
