"""What every platform module declares: its names, handle shape, URLs and embed markup."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

__all__ = ["EmbedAttrs", "Platform", "PostRef", "clean_url", "url_quote"]

# The attributes of an element, as an HTML parser hands them over.
EmbedAttrs = Mapping[str, str | None]


@dataclass(frozen=True, slots=True)
class PostRef:
    """A post named by its URL: the URL without tracking, its author and its ID."""

    platform: str
    url: str
    handle: str | None
    post_id: str | None


def _never(tag: str, names: frozenset[str], attrs: EmbedAttrs) -> bool:
    return False


def _no_date(post_id: str) -> str | None:
    return None


@dataclass(frozen=True, slots=True)
class Platform:
    """One social platform: how its posts, profiles and embeds look.

    ``post_url`` matches a post's URL with the named groups ``id`` and (where the URL
    names its author) ``handle``. ``handle`` is the full shape of a handle without its
    ``@``. ``embed_selector`` finds the platform's embeds in a page and ``claims`` says
    whether one element found by any platform's selector is this platform's
    (tag, class names, attributes), so that parsing never guesses.
    """

    name: str
    label: str
    handle: re.Pattern[str]
    post_url: re.Pattern[str]
    profile: Callable[[str], str | None]
    embed_selector: str = ""
    claims: Callable[[str, frozenset[str], EmbedAttrs], bool] = _never
    id_date: Callable[[str], str | None] = _no_date

    def profile_url(self, handle: str | None) -> str | None:
        """Return the profile page of ``handle`` (``@`` allowed), or None if it is not one."""
        cleaned = (handle or "").strip().lstrip("@")
        if not cleaned or not self.handle.fullmatch(cleaned):
            return None
        return self.profile(cleaned)

    def read_url(self, url: str | None) -> PostRef | None:
        """Return the post ``url`` names on this platform (tracking removed), else None."""
        cleaned = clean_url(url)
        if cleaned is None or (match := self.post_url.match(cleaned)) is None:
            return None
        groups = match.groupdict()
        return PostRef(self.name, cleaned, groups.get("handle"), groups.get("id"))

    def date_of(self, post_id: str | None) -> str | None:
        """Return the UTC day a post ID encodes (``YYYY-MM-DD``), where IDs encode one."""
        return self.id_date(post_id) if post_id else None


def clean_url(url: str | None) -> str | None:
    """Return an http(s) ``url`` without its query string and fragment, else None."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def url_quote(text: str) -> str:
    """Quote ``text`` for one URL path segment."""
    return quote(text, safe="")
