"""Guard against markup nested so deep that the HTML parser crawls."""

from __future__ import annotations

import re

from bot.domain.errors import ParseError

__all__ = ["MAX_DEPTH", "RAW_TEXT", "check_depth", "nesting_depth"]

# Lexbor's tree builder slows down quadratically with nesting depth (100,000 nested
# <div> take seconds), so a document deep enough to hurt is refused before parsing.
# Only a document with many tags can be that deep; the others skip the estimate.
MAX_DEPTH = 10_000
_CHECK_FROM_TAGS = 20_000


# Only the start of a tag is matched: its end is the next ">" (found with str.find), so a
# "<a" with no ">" after it ends the scan instead of rescanning the rest of the document
# once per "<" (which made 25,000 "<a" take seconds).
_TAG_START = re.compile(r"<(?:!--|(/?)([A-Za-z][A-Za-z0-9:_-]*))")
_VOID = frozenset({"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr"})
_VOID |= {"img", "input", "keygen", "link", "meta", "param", "source", "track", "wbr"}
RAW_TEXT = frozenset({"iframe", "noembed", "noframes", "noscript", "script", "style"})
RAW_TEXT |= {"textarea", "title", "xmp"}
_RAW_TEXT_END = {name: re.compile("</" + name, re.IGNORECASE) for name in RAW_TEXT}
_WINDOW = 32  # how far down the stack of open elements an implied end tag looks

# Implied end tags, after the tree builder: a start tag closes the innermost open
# element among ``targets`` unless one of ``barriers`` comes first.
_TABLE = frozenset({"table", "template", "html"})
_SCOPE = frozenset({"applet", "caption", "html", "marquee", "object", "table", "td", "th"})
_SCOPE |= {"template", "svg", "math"}
_LIST_BARRIERS = _SCOPE | {"ul", "ol", "dl", "menu", "dir", "select", "button", "body"}
_LIST_BARRIERS |= {"article", "aside", "blockquote", "details", "dialog", "fieldset"}
_LIST_BARRIERS |= {"figure", "footer", "form", "header", "main", "nav", "section", "tr"}
_CLOSES_P = frozenset({"address", "article", "aside", "blockquote", "center", "details"})
_CLOSES_P |= {"dialog", "dir", "div", "dl", "fieldset", "figcaption", "figure", "footer"}
_CLOSES_P |= {"form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li"}
_CLOSES_P |= {"listing", "main", "menu", "nav", "ol", "p", "pre", "search", "section"}
_CLOSES_P |= {"summary", "table", "ul", "dd", "dt", "plaintext", "xmp"}
_P_RULE = (frozenset({"p"}), _SCOPE | {"button"})
_RULES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "li": (frozenset({"li"}), _LIST_BARRIERS),
    "dd": (frozenset({"dd", "dt"}), _LIST_BARRIERS),
    "dt": (frozenset({"dd", "dt"}), _LIST_BARRIERS),
    "a": (frozenset({"a"}), _SCOPE),
    "nobr": (frozenset({"nobr"}), _SCOPE),
    "button": (frozenset({"button"}), _SCOPE),
    "option": (frozenset({"option"}), frozenset({"select", "optgroup", "datalist"}) | _SCOPE),
    "optgroup": (frozenset({"option", "optgroup"}), frozenset({"select"}) | _SCOPE),
    "td": (frozenset({"td", "th"}), _TABLE),
    "th": (frozenset({"td", "th"}), _TABLE),
    "tr": (frozenset({"tr"}), _TABLE),
    "tbody": (frozenset({"tbody", "thead", "tfoot"}), _TABLE),
    "thead": (frozenset({"tbody", "thead", "tfoot"}), _TABLE),
    "tfoot": (frozenset({"tbody", "thead", "tfoot"}), _TABLE),
    "rb": (frozenset({"rb", "rp", "rt", "rtc"}), frozenset({"ruby"}) | _SCOPE),
    "rp": (frozenset({"rb", "rp", "rt"}), frozenset({"ruby", "rtc"}) | _SCOPE),
    "rt": (frozenset({"rb", "rp", "rt"}), frozenset({"ruby", "rtc"}) | _SCOPE),
    "rtc": (frozenset({"rb", "rp", "rt", "rtc"}), frozenset({"ruby"}) | _SCOPE),
}


def _pop_to(stack: list[str], open_counts: dict[str, int], name: str) -> None:
    """Pop the stack of open elements up to and including the innermost ``name``."""
    while stack:
        top = stack.pop()
        open_counts[top] -= 1
        if top == name:
            return


def _close_implied(
    stack: list[str],
    open_counts: dict[str, int],
    rule: tuple[frozenset[str], frozenset[str]],
) -> None:
    """Close the innermost open element of ``rule``'s targets, unless a barrier is nearer."""
    targets, barriers = rule
    if not any(open_counts.get(target) for target in targets):
        return
    for index in range(len(stack) - 1, max(len(stack) - _WINDOW, 0) - 1, -1):
        name = stack[index]
        if name in targets:
            _pop_to(stack, open_counts, name)
            return
        if name in barriers:
            return


def nesting_depth(document: str, limit: int = MAX_DEPTH) -> int:
    """Estimate how deep the elements of ``document`` nest, stopping once past ``limit``.

    A light model of the HTML tree builder: void and self-closed tags do not nest,
    start tags close what they imply (``<li>`` an open ``<li>`` in the same list, a
    ``<div>`` an open ``<p>``...), end tags close the innermost open element of their
    name, raw-text elements and comments are skipped.
    """
    stack: list[str] = []
    open_counts: dict[str, int] = {}
    deepest = 0
    position = 0
    while (match := _TAG_START.search(document, position)) is not None:
        position = match.end()
        closing, name = match.groups()
        if name is None:  # a comment
            end = document.find("-->", position)
            if end < 0:
                break
            position = end + 3
            continue
        end = document.find(">", position)
        if end < 0:  # the rest of the document is one unfinished tag
            break
        self_closed = end > position and document[end - 1] == "/"
        position = end + 1
        name = name.lower()
        if closing:
            if open_counts.get(name):
                _pop_to(stack, open_counts, name)
            continue
        if name in _VOID or self_closed:
            continue
        if name in RAW_TEXT:
            end_tag = _RAW_TEXT_END[name].search(document, position)
            if end_tag is None:
                break
            position = end_tag.start()
            continue
        if name in _CLOSES_P:
            _close_implied(stack, open_counts, _P_RULE)
        if (rule := _RULES.get(name)) is not None:
            _close_implied(stack, open_counts, rule)
        stack.append(name)
        open_counts[name] = open_counts.get(name, 0) + 1
        deepest = max(deepest, len(stack))
        if deepest > limit:
            break
    return deepest


def check_depth(document: str, utf8: bytes) -> None:
    """Raise `ParseError` when ``document`` nests elements more than `MAX_DEPTH` deep.

    ``utf8`` is ``document`` in UTF-8: it holds as many "<" and is counted faster (a page
    with one "’" in it takes two bytes a character as text).
    """
    if utf8.count(b"<") > _CHECK_FROM_TAGS and nesting_depth(document) > MAX_DEPTH:
        raise ParseError(f"the HTML nests elements more than {MAX_DEPTH:,} levels deep")
