"""What an HTML page says about itself: its title, publication date and article prose."""

from __future__ import annotations

import re
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from bot.parsing.clean import collapse_ws, parse_date
from bot.parsing.html_text import attr, node_text

__all__ = ["page_prose", "page_published", "page_title", "read_meta", "time_published"]

PROSE_LIMIT = 20_000

_TITLE_KEYS = ("og:title", "twitter:title")
_PUBLISHED_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "date",
)
_PUBLISHED = frozenset(_PUBLISHED_KEYS)
_WANTED = frozenset(_TITLE_KEYS) | _PUBLISHED
_JSON_LD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]{4,64})"')
_MAX_META = 2_000
_MAX_PARAGRAPHS = 5_000
_MAX_HEADINGS = 50
_MAX_DEPTH = 256
_MAX_WALK = 4_096  # steps up the tree to find the paragraphs around a script or style
_MIN_SCORED = 20  # characters a paragraph needs to count towards its container
_PROSE_BLOCKS = "h1, h2, h3, h4, h5, h6, p"
_NOT_PROSE = "script, style, noscript, template"


def read_meta(tree: LexborHTMLParser) -> dict[str, str]:
    """Return the first ``content`` of each wanted ``<meta>`` key, lower-cased keys."""
    found: dict[str, str] = {}
    _read_meta_in(tree.head, found)
    if "og:title" not in found or not found.keys() & _PUBLISHED:
        # A stray element before them moves the <meta> tags of some pages
        # (eltiempo.com) into the body.
        _read_meta_in(tree.body, found)
    return found


def _read_meta_in(scope: LexborNode | None, found: dict[str, str]) -> None:
    """Add the wanted ``<meta>`` contents under ``scope`` that ``found`` lacks."""
    if scope is None:
        return
    for meta in scope.css("meta[content], meta[value]")[:_MAX_META]:
        key = attr(meta, "property") or attr(meta, "name") or attr(meta, "itemprop")
        if key is None:
            continue
        key = key.lower()
        if key not in _WANTED or key in found:
            continue
        if content := attr(meta, "content") or attr(meta, "value"):
            found[key] = content


def page_title(tree: LexborHTMLParser, meta: dict[str, str]) -> str | None:
    """Return ``og:title``, else ``<title>``, else the first ``<h1>``; None if none."""
    for candidate in _title_candidates(tree, meta):
        if candidate and (title := collapse_ws(candidate)):
            return title
    return None


def _title_candidates(tree: LexborHTMLParser, meta: dict[str, str]) -> Iterator[str | None]:
    """Yield the page's titles, best first, each looked for only when the ones before fail."""
    yield meta.get("og:title")
    yield node_text(tree.css_first("title"))
    yield meta.get("twitter:title")
    yield node_text(tree.body.css_first("h1") if tree.body is not None else None)


def page_published(tree: LexborHTMLParser, meta: dict[str, str]) -> str | None:
    """Return the publication date from ``<meta>`` tags or JSON-LD, as ISO; None if none."""
    if date := parse_date(meta.get("article:published_time", "")):
        return date
    for script in tree.css('script[type="application/ld+json"]'):
        match = _JSON_LD_PUBLISHED.search(script.text())
        if match and (date := parse_date(match[1])):
            return date
    for key in _PUBLISHED_KEYS[1:]:
        if date := parse_date(meta.get(key, "")):
            return date
    return None


def time_published(container: LexborNode) -> str | None:
    """Return the date of the article's ``<time datetime>`` (``pubdate`` first), or None."""
    for selector in ('time[pubdate][datetime], time[itemprop="datePublished"]', "time[datetime]"):
        node = container.css_first(selector)
        if node is not None and (date := parse_date(attr(node, "datetime") or node.text())):
            return date
    return None


def _main_container(
    body: LexborNode, paragraphs: list[LexborNode]
) -> tuple[LexborNode, dict[int, str]]:
    """Return the element whose paragraphs hold the most text, and each paragraph's text.

    Readability's parent score: a paragraph counts fully for its parent and half for
    its grandparent; short ones (bylines, captions) do not count.
    """
    scores: dict[int, float] = {}
    nodes: dict[int, LexborNode] = {}
    texts: dict[int, str] = {}
    for paragraph in paragraphs:
        text = paragraph.text()
        texts[paragraph.mem_id] = text
        size = len(text.strip())
        if size < _MIN_SCORED:
            continue
        parent = paragraph.parent
        for weight in (1.0, 0.5):
            if parent is None or parent.tag in (None, "html", "-document"):
                break
            key = parent.mem_id
            scores[key] = scores.get(key, 0.0) + size * weight
            nodes[key] = parent
            parent = parent.parent
    if not scores:
        return body, texts
    return nodes[max(scores, key=scores.__getitem__)], texts


def _inside(node: LexborNode, container: LexborNode) -> bool:
    """Say whether ``node`` lies within ``container`` (a bounded walk up the tree)."""
    target = container.mem_id
    parent = node.parent
    for _ in range(_MAX_DEPTH):
        if parent is None:
            return False
        if parent.mem_id == target:
            return True
        parent = parent.parent
    return False


def _headline(headings: list[LexborNode], container: LexborNode, title: str | None) -> str:
    """Return the article's ``<h1>``: the one in its body, else the one the title names."""
    texts = [node_text(heading) for heading in headings]
    for heading, text in zip(headings, texts, strict=True):
        if text and _inside(heading, container):
            return text
    folded = (title or "").casefold()
    for text in texts:
        if text and text.casefold() in folded:
            return text
    return next((text for text in texts if text), "")


def _forget_around(texts: dict[int, str], hidden: list[LexborNode]) -> None:
    """Drop the texts read of the elements that hold any of ``hidden`` (script text...).

    Past `_MAX_WALK` steps up the tree all of them are dropped: read again, they are right.
    """
    budget = _MAX_WALK
    for node in hidden:
        parent = node.parent
        while parent is not None:
            budget -= 1
            if budget < 0:
                texts.clear()
                return
            texts.pop(parent.mem_id, None)
            parent = parent.parent


def page_prose(tree: LexborHTMLParser, title: str | None) -> tuple[str, LexborNode | None]:
    """Return the article's headline and body paragraphs, and the body element found.

    Call it after the embeds are removed from the tree: their text is not prose.
    """
    body = tree.body
    if body is None:
        return "", None
    found = body.css("h1, p")[:_MAX_PARAGRAPHS]
    headings = [node for node in found if node.tag == "h1"][:_MAX_HEADINGS]
    container, texts = _main_container(body, [node for node in found if node.tag == "p"])
    hidden = container.css(_NOT_PROSE)
    _forget_around(texts, hidden)  # before any is removed: the walks need the tree whole
    for node in hidden:
        node.decompose(recursive=False)
    headline = _headline(headings, container, title)
    parts = [headline] if headline else []
    size = len(headline)
    for block in container.css(_PROSE_BLOCKS)[:_MAX_PARAGRAPHS]:
        cached = texts.get(block.mem_id)
        text = collapse_ws(cached) if cached is not None else node_text(block)
        if not text or text == headline or (parts and text == parts[-1]):
            continue
        parts.append(text)
        size += len(text) + 2
        if size >= PROSE_LIMIT:
            break
    return "\n\n".join(parts)[:PROSE_LIMIT], container
