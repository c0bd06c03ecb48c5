"""Bluesky embeds: ``blockquote.bluesky-embed`` with its text, author and displayed date."""

from __future__ import annotations

import datetime as dt

from selectolax.lexbor import LexborNode

from bot.domain.models import Reaction
from bot.parsing.clean import collapse_ws
from bot.parsing.html_text import attr, embed_date, join_paragraphs, node_text, visible_text
from bot.platforms.base import clean_url
from bot.platforms.bluesky import BLUESKY, tid_moment

__all__ = ["read_bluesky"]

# What Bluesky's snippet generator links in place of media or a quoted post.
_PLACEHOLDER = "[image or embed]"
_RECORD = "/app.bsky.feed.post/"
_DASHES = "\u2014\u2013"
# The displayed time is the embedding user's local time; no zone is further than this
# from UTC, so a displayed day further from the record key's day was misread.
_MAX_ZONE_OFFSET = dt.timedelta(hours=14)


def _record(node: LexborNode) -> tuple[str | None, str | None]:
    """Return ``(author DID, record key)`` from ``data-bluesky-uri`` (``at://did/…/rkey``)."""
    uri = attr(node, "data-bluesky-uri") or ""
    if not uri.startswith("at://") or _RECORD not in uri:
        return None, None
    author, _, key = uri.removeprefix("at://").partition(_RECORD)
    key = key.strip("/")
    return (author or None), (key if key and "/" not in key else None)


def _is_placeholder(node: LexborNode) -> bool:
    return node.tag == "a" and node_text(node) == _PLACEHOLDER


def _checked_date(shown: str | None, record_key: str | None) -> str | None:
    """Return the displayed day, unless the record key's time proves it misread."""
    moment = tid_moment(record_key) if record_key else None
    if moment is None:
        return shown
    if shown is not None:
        day = dt.datetime.fromisoformat(shown).replace(tzinfo=dt.UTC)
        if day - _MAX_ZONE_OFFSET <= moment < day + dt.timedelta(days=1) + _MAX_ZONE_OFFSET:
            return shown
    return moment.date().isoformat()


def _attribution(node: LexborNode, text_node: LexborNode | None) -> str:
    """Return the line after the post's text: ``— Name (@handle) date``."""
    skip_id = text_node.mem_id if text_node is not None else None
    paragraphs = visible_text(node, skip=lambda child: child.mem_id == skip_id)
    line = collapse_ws(" ".join(" ".join(lines) for lines in paragraphs))
    cut = max(line.find(dash) for dash in _DASHES)
    return line[cut + 1 :].strip() if cut >= 0 else line


def read_bluesky(node: LexborNode) -> Reaction:
    """Read one Bluesky embed; ``text`` is empty when the post shows only media."""
    author, record_key = _record(node)
    text_node = node.css_first("p")
    text = ""
    if text_node is not None:
        text = join_paragraphs(visible_text(text_node, skip=_is_placeholder))
    url = handle = None
    date_text = ""
    for link in node.css("a[href]"):
        found = BLUESKY.read_url(link.attrs.get("href"))
        shown = node_text(link)
        if found is not None and found.post_id == (record_key or found.post_id):
            url = url or found.url
            record_key = record_key or found.post_id  # no data-bluesky-uri: the link's
            if shown != _PLACEHOLDER:
                date_text = shown
        elif shown.startswith("@") and handle is None:
            handle = shown[1:].strip() or None
    if url is None and author and record_key:
        url = clean_url(f"https://bsky.app/profile/{author}/post/{record_key}")
    attribution = _attribution(node, text_node)
    name = attribution.rpartition("(@")[0].strip() if "(@" in attribution else None
    return Reaction(
        platform=BLUESKY.name,
        text=text,
        author_name=name or None,
        handle=handle,
        date=_checked_date(embed_date(date_text), record_key),
        url=url,
        post_id=record_key,
    )
