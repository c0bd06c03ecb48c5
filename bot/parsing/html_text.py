"""Visible text of an embed's markup: paragraphs, line breaks, attribution lines, dates."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from selectolax.lexbor import LexborNode

from bot.parsing.clean import collapse_ws, parse_date

__all__ = [
    "Paragraphs",
    "attr",
    "classes",
    "embed_date",
    "join_paragraphs",
    "node_text",
    "parse_attribution",
    "split_attribution",
    "visible_text",
]

# A paragraph is a list of lines; a `<br>` starts a new line, a block element a paragraph.
Paragraphs = list[list[str]]

# Elements whose boundaries start a new paragraph.
_BLOCK = frozenset({"address", "article", "aside", "blockquote", "dd", "details", "div"})
_BLOCK |= {"dl", "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4"}
_BLOCK |= {"h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section"}
_BLOCK |= {"summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"}
# Elements that never contribute visible post text (image alt text included: `img`).
_INVISIBLE = frozenset({"audio", "button", "canvas", "embed", "head", "iframe", "img"})
_INVISIBLE |= {"input", "math", "noscript", "object", "picture", "script", "select"}
_INVISIBLE |= {"source", "style", "svg", "template", "textarea", "title", "video"}
# Images that stand for a character: their alt text is the visible text.
_EMOJI_IMAGES = frozenset({"emoji", "wp-smiley"})
# Guards against hostile markup: a post is small, a page may not be.
_MAX_NODES = 20_000
_MAX_CHARS = 100_000

_CJK_DATE = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?")
_HANDLE_SHOWN = re.compile(r"\(\s*@([A-Za-z0-9_.]{1,30})\s*\)")
_BARE_HANDLE_TAIL = re.compile(r"(?:^|\s)@([A-Za-z0-9_]{1,30})$")
_DASHES = "\u2014\u2015"  # em dash, horizontal bar: what Twitter puts before the author
_SOFT_DASHES = (" \u2013 ", " - ")  # what a re-typeset page may show instead


def attr(node: LexborNode, name: str) -> str | None:
    """Return attribute ``name`` of ``node`` stripped, or None when missing or blank."""
    value = node.attrs.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def classes(node: LexborNode) -> frozenset[str]:
    """Return the class names of ``node``."""
    value = node.attrs.get("class")
    return frozenset(value.split()) if value else frozenset()


def node_text(node: LexborNode | None) -> str:
    """Return the collapsed text of ``node`` (empty for None)."""
    if node is None:
        return ""
    return collapse_ws(node.text())


class _Collector:
    """Accumulates text into lines and paragraphs."""

    __slots__ = ("chars", "line", "lines", "paragraphs")

    def __init__(self) -> None:
        self.paragraphs: Paragraphs = []
        self.lines: list[str] = []
        self.line: list[str] = []
        self.chars = 0

    def add(self, text: str) -> None:
        self.line.append(text)
        self.chars += len(text)

    def line_break(self) -> None:
        self.lines.append(collapse_ws("".join(self.line)))
        self.line = []

    def paragraph_break(self) -> None:
        if self.line:
            self.line_break()
        elif not self.lines:  # nothing since the last break
            return
        lines = _tidy_lines(self.lines)
        if lines:
            self.paragraphs.append(lines)
        self.lines = []


def _tidy_lines(lines: list[str]) -> list[str]:
    """Drop leading and trailing empty lines and keep at most one empty line in a row."""
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    while tidy and not tidy[-1]:
        tidy.pop()
    return tidy


def _children(node: LexborNode) -> Iterator[LexborNode]:
    return node.iter(include_text=True)


def visible_text(
    root: LexborNode,
    *,
    stop: int | None = None,
    skip: Callable[[LexborNode], bool] | None = None,
) -> Paragraphs:
    """Return the visible text under ``root`` as paragraphs of lines.

    The walk is iterative (deep markup cannot exhaust the stack) and bounded. It ends
    at the element whose ``mem_id`` is ``stop``, and leaves out elements for which
    ``skip`` is true, together with everything inside them.
    """
    out = _Collector()
    stack: list[tuple[Iterator[LexborNode], bool]] = [(_children(root), False)]
    visited = 0
    while stack:
        iterator, is_block = stack[-1]
        child = next(iterator, None)
        if child is None:
            stack.pop()
            if is_block:
                out.paragraph_break()
            continue
        visited += 1
        if visited > _MAX_NODES or out.chars > _MAX_CHARS:
            break
        tag = child.tag
        if tag == "-text":
            out.add(child.text_content or "")
        elif tag == "br":
            out.line_break()
        elif tag == "img" and classes(child) & _EMOJI_IMAGES:
            out.add(child.attrs.get("alt") or "")  # WordPress draws emoji as images
        elif tag is None or tag.startswith("-") or tag in _INVISIBLE:
            continue
        elif stop is not None and child.mem_id == stop:
            break
        elif skip is None or not skip(child):
            block = tag in _BLOCK
            if block:
                out.paragraph_break()
            stack.append((_children(child), block))
    out.paragraph_break()
    return out.paragraphs


def join_paragraphs(paragraphs: Paragraphs) -> str:
    """Join lines with a line break and paragraphs with a blank line."""
    return "\n\n".join("\n".join(lines) for lines in paragraphs if lines).strip()


def split_attribution(paragraphs: Paragraphs) -> tuple[Paragraphs, str | None]:
    """Cut the trailing ``— Name (@handle)`` attribution off a post's paragraphs.

    Returns the paragraphs without it and the attribution (without the dash), or the
    paragraphs unchanged and None when the last line carries no attribution.
    """
    if not paragraphs:
        return paragraphs, None
    last = paragraphs[-1][-1]
    cut = max(last.rfind(dash) for dash in _DASHES)
    shown = None if cut >= 0 else _last_match(_HANDLE_SHOWN, last)
    if cut >= 0:
        head, attribution = last[:cut].rstrip(), last[cut + 1 :].strip()
    elif shown is not None:
        cut = max(last.rfind(dash, 0, shown.start()) for dash in _SOFT_DASHES)
        if cut >= 0:
            head, attribution = last[:cut].rstrip(), last[cut + 3 :].strip()
        else:
            head, attribution = "", last.lstrip(" -\u2013")
    else:
        return paragraphs, None
    kept = [list(lines) for lines in paragraphs]
    if head:
        kept[-1][-1] = head
    else:
        kept[-1].pop()
        kept[-1] = _tidy_lines(kept[-1])
        if not kept[-1]:
            kept.pop()
    return kept, attribution


def _last_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    matches = list(pattern.finditer(text))
    return matches[-1] if matches else None


def parse_attribution(attribution: str | None) -> tuple[str | None, str | None, str]:
    """Split ``Name (@handle) rest``, ``Name @handle`` or ``Name`` into name, handle, rest.

    ``rest`` is what follows the handle: the date, when the page shows it as plain text.
    """
    if not attribution:
        return None, None, ""
    text = collapse_ws(attribution)
    shown = _last_match(_HANDLE_SHOWN, text)
    if shown is not None:
        name, handle, rest = text[: shown.start()], shown[1], text[shown.end() :]
    elif (bare := _BARE_HANDLE_TAIL.search(text)) is not None:
        name, handle, rest = text[: bare.start()], bare[1], ""
    else:
        name, handle, rest = text, None, ""
    return name.strip() or None, handle, rest.strip()


def embed_date(text: str | None) -> str | None:
    """Return the ISO date an embed displays: any `parse_date` shape, or ``2019年1月25日``."""
    if not text:
        return None
    if date := parse_date(text):
        return date
    if match := _CJK_DATE.search(text):
        return parse_date(f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}")
    return None
