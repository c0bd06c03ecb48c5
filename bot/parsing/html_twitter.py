"""Twitter/X embeds: classic blockquotes, Substack cards, and embeds that hold only an ID."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from selectolax.lexbor import LexborNode

from bot.domain.models import Reaction
from bot.parsing.clean import clean_handle, collapse_ws, parse_date
from bot.parsing.html_text import (
    Paragraphs,
    attr,
    classes,
    embed_date,
    join_paragraphs,
    node_text,
    parse_attribution,
    split_attribution,
    visible_text,
)
from bot.platforms.twitter import TWITTER

__all__ = ["read_twitter"]

PLATFORM = TWITTER.name

# Attributes that embeds and their wrappers name the post in: an ID or a status URL,
# or (the generic ones) a status URL only.
_ID_ATTRIBUTES = ("data-tweet-id", "data-tweetid")
_URL_ATTRIBUTES = ("data-url", "data-href", "data-oembed-url", "cite")
_DIGITS = re.compile(r"^[0-9]{1,25}$")
_STATUS_IN_TEXT = re.compile(r"https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/\S+", re.IGNORECASE)
_API_DATE = re.compile(r"^\w{3} (\w{3}) (\d{1,2}) \d\d:\d\d:\d\d [+-]\d{4} (\d{4})$")
# "[^<>]", not "[^>]": a "<" with no ">" after it would rescan the rest of the markup.
_TAG = re.compile(r"<[^<>]*>")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_MAX_MARKUP = 100_000
_CLASSIC = frozenset({"twitter-tweet", "twitter-video"})
# Substack card parts that are not the main post's text.
_SUBSTACK_CHROME = frozenset(
    {"tweet-header", "tweet-footer", "quoted-tweet", "tweet-photos-container", "tweet-photo"}
)


Identity = tuple[str | None, str | None, str | None]
_UNKNOWN: Identity = (None, None, None)


def _identity(value: str | None, *, bare_id: bool = True) -> Identity:
    """Return ``(url, handle, post_id)`` from a status URL or (if allowed) a numeric ID."""
    if not value:
        return _UNKNOWN
    value = value.strip()
    if _DIGITS.match(value):
        return (None, None, value) if bare_id else _UNKNOWN
    found = TWITTER.read_url(value)
    if found is None:
        return _UNKNOWN
    return found.url, found.handle, found.post_id


def _own_identity(node: LexborNode) -> Identity:
    """Return the post an element names in its own attributes."""
    for name in _ID_ATTRIBUTES:
        if (found := _identity(attr(node, name)))[2]:
            return found
    for name in _URL_ATTRIBUTES:
        if (found := _identity(attr(node, name), bare_id=False))[2]:
            return found
    return _UNKNOWN


def _status_link(node: LexborNode) -> tuple[LexborNode, Identity] | None:
    """Return the last link to a status in ``node`` (the embed's date link) and its post."""
    for link in reversed(node.css('a[href*="/status"]')):
        if found := TWITTER.read_url(link.attrs.get("href")):
            return link, (found.url, found.handle, found.post_id)
    return None


def _is_nested_post(node: LexborNode) -> bool:
    """Say whether ``node`` is a post quoted inside a post (never part of the text)."""
    return node.tag == "blockquote" or "quoted-tweet" in classes(node)


def from_blockquote(node: LexborNode) -> Reaction:
    """Read a classic ``blockquote.twitter-tweet``: text, ``— Name (@handle)``, date link."""
    status = _status_link(node)
    link, (url, handle, post_id) = status if status is not None else (None, _UNKNOWN)
    if post_id is None:
        url, handle, post_id = _own_identity(node)
    paragraphs = visible_text(
        node, stop=link.mem_id if link is not None else None, skip=_is_nested_post
    )
    paragraphs, attribution = split_attribution(paragraphs)
    name, shown_handle, rest = parse_attribution(attribution)
    # The date shown; where the page shows none, the day the status ID encodes.
    shown = embed_date(node_text(link)) if link is not None else None
    date = shown or embed_date(rest) or TWITTER.date_of(post_id)
    return Reaction(
        platform=PLATFORM,
        text=join_paragraphs(paragraphs),
        author_name=name,
        handle=clean_handle(shown_handle) or handle,
        date=date,
        url=url,
        post_id=post_id,
    )


def from_wrapper(node: LexborNode) -> Reaction | None:
    """Read an embed wrapper (``amp-twitter``, rendered iframe, ``[data-tweet-id]``...).

    A blockquote inside it is read as a classic embed; otherwise the post is known by
    its ID or status URL alone and has no text. None when the wrapper names no post.
    """
    own = _own_identity(node)
    quote = node.css_first("blockquote")
    if quote is not None:
        reaction = from_blockquote(quote)
        if reaction.post_id or not own[2]:
            return reaction
        return Reaction(
            platform=PLATFORM,
            text=reaction.text,
            author_name=reaction.author_name,
            handle=reaction.handle or own[1],
            date=reaction.date,
            url=own[0],
            post_id=own[2],
        )
    if not own[2]:
        inner = node.css_first("[data-tweet-id], [data-tweetid]")
        if inner is not None:
            own = _own_identity(inner)
    if not own[2] and (status := _status_link(node)) is not None:
        own = status[1]
    if not own[2] and (match := _STATUS_IN_TEXT.search(node.text()[:_MAX_MARKUP])):
        own = _identity(match[0], bare_id=False)
    url, handle, post_id = own
    if post_id is None:
        return None
    return Reaction(platform=PLATFORM, text="", handle=handle, url=url, post_id=post_id)


def _json_object(raw: str | None) -> dict[str, Any]:
    if not raw or len(raw) > 10 * _MAX_MARKUP:
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _string(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value.strip() else None


def _markup_paragraphs(markup: str) -> Paragraphs:
    """Return the paragraphs of a tweet text given as light HTML with newlines."""
    plain = html.unescape(_TAG.sub("", markup[:_MAX_MARKUP]))
    paragraphs: Paragraphs = []
    for block in _BLANK_LINE.split(plain.replace("\r\n", "\n")):
        lines = [collapse_ws(line) for line in block.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            paragraphs.append(lines)
    return paragraphs


def _api_date(value: str | None) -> str | None:
    """Return the date of a Twitter API timestamp (``Sun Jun 12 11:19:35 +0000 2022``)."""
    match = _API_DATE.match(value.strip()) if value else None
    return parse_date(f"{match[1]} {match[2]}, {match[3]}") if match else None


def _is_substack_chrome(node: LexborNode) -> bool:
    return node.tag == "blockquote" or bool(classes(node) & _SUBSTACK_CHROME)


def from_substack(node: LexborNode) -> Reaction | None:
    """Read a Substack ``div.tweet`` card from its ``data-attrs`` JSON and rendered HTML."""
    data = _json_object(node.attrs.get("data-attrs"))
    header = node.css_first(".tweet-header")
    if header is None and "full_text" not in data:
        return None
    raw_url = _string(data, "url")
    status = _status_link(node) if raw_url is None else None
    url, url_handle, post_id = (
        status[1] if status is not None else _identity(raw_url, bare_id=False)
    )
    name = node_text(node.css_first(".tweet-author-name")) or _string(data, "name")
    shown = clean_handle(node_text(node.css_first(".tweet-author")))
    handle = shown or clean_handle(_string(data, "username")) or url_handle
    date = (
        embed_date(node_text(node.css_first(".tweet-date")))
        or _api_date(_string(data, "date"))
        or TWITTER.date_of(post_id)
    )
    full_text = _string(data, "full_text")
    if full_text is not None:
        paragraphs = _markup_paragraphs(full_text)
    else:
        paragraphs = visible_text(node, skip=_is_substack_chrome)
    return Reaction(
        platform=PLATFORM,
        text=join_paragraphs(paragraphs),
        author_name=collapse_ws(name) if name else None,
        handle=handle,
        date=date,
        url=url,
        post_id=post_id,
    )


def read_twitter(node: LexborNode) -> Reaction | None:
    """Read any X embed: a classic blockquote, a Substack card, or a wrapper naming a post."""
    names = classes(node)
    if node.tag == "blockquote" and names & _CLASSIC:
        return from_blockquote(node)
    if node.tag == "div" and "tweet" in names and not names & _CLASSIC:
        return from_substack(node)
    return from_wrapper(node)
