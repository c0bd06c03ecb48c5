"""HTML articles: the embedded posts, title, date and prose of a page, in one Lexbor parse."""

from __future__ import annotations

from collections.abc import Callable

from selectolax.lexbor import LexborDocumentOptions, LexborHTMLParser, LexborNode

from bot.domain.errors import ParseError
from bot.domain.models import Reaction
from bot.parsing.extract import Extract
from bot.parsing.html_guard import check_depth
from bot.parsing.html_long_tags import check_attributes
from bot.parsing.html_meta import page_prose, page_published, page_title, read_meta, time_published
from bot.parsing.html_readers import read_embed
from bot.platforms import EMBED_SELECTOR

__all__ = ["EMBEDS", "extract_html"]

# Every element that is, or wraps, an embedded post, as the platform registry names them.
EMBEDS = EMBED_SELECTOR
_MAX_EMBEDS = 2_000
_MAX_WALK = 64  # steps up the tree from an embed to the post it may be part of


class _ReadPosts:
    """The elements posts were read from, to tell an embed inside one of them."""

    __slots__ = ("_inner", "_read")

    def __init__(self) -> None:
        self._read: dict[int, LexborNode] = {}
        self._inner: set[int] | None = None  # the embeds inside them, once asked for

    def add(self, node: LexborNode) -> None:
        self._read[node.mem_id] = node
        if self._inner is not None:
            self._inner.update(inner.mem_id for inner in node.css(EMBEDS))

    def hold(self, node: LexborNode) -> bool:
        """Say whether ``node`` lies inside an element a post was read from.

        A walk up from ``node`` answers for embeds at any usual depth; past `_MAX_WALK`
        steps, the embeds inside every post read are listed, and from then on looked up.
        """
        if self._inner is not None:
            return node.mem_id in self._inner
        parent = node.parent
        for _ in range(_MAX_WALK):
            if parent is None:
                return False
            if parent.mem_id in self._read:
                return True
            parent = parent.parent
        self._inner = {inner.mem_id for read in self._read.values() for inner in read.css(EMBEDS)}
        return node.mem_id in self._inner


def _embedded_posts(tree: LexborHTMLParser) -> tuple[list[Reaction], list[LexborNode]]:
    """Return the posts of the page in order, and the elements they were read from.

    An embed inside an embed already read (a quoted tweet, the iframe of a rendered
    embed, the blockquote inside ``amp-twitter``) belongs to the outer one. Posts
    without text are kept (with an empty ``text``) so that they can be reported.
    """
    scope = tree.body or tree.root
    if scope is None:
        return [], []
    reactions: list[Reaction] = []
    read = _ReadPosts()
    nodes: list[LexborNode] = []
    for node in scope.css(EMBEDS)[:_MAX_EMBEDS]:
        if read.hold(node):
            continue
        reaction = read_embed(node)
        if reaction is None or not (reaction.text or reaction.post_id or reaction.url):
            continue
        reactions.append(reaction)
        nodes.append(node)
        read.add(node)
    return reactions, nodes


def _parse_tree(document: str, utf8: bytes | None) -> LexborHTMLParser:
    """Parse ``document`` (``utf8``: its UTF-8 bytes, when known) once, after the guards.

    Without ``utf8``, lone surrogates become ``?`` instead of failing to encode.
    """
    data = document.encode("utf-8", errors="replace") if utf8 is None else utf8
    check_depth(document, data)
    check_attributes(document)
    try:
        # scripting=True parses <noscript> as a browser running scripts does: as text,
        # so the fallback markup inside it is not mistaken for embeds. Without mutation
        # events (which only mirror <option>s into <selectedcontent>) a page with many
        # <option>s no longer parses in quadratic time, and every page parses faster.
        return LexborHTMLParser(data, scripting=True, options=LexborDocumentOptions.WO_EVENTS)
    except (RuntimeError, ValueError, MemoryError) as error:
        raise ParseError("the HTML could not be parsed") from error


def extract_html(
    document: str,
    *,
    utf8: bytes | None = None,
    wants_page: Callable[[list[Reaction]], bool] | None = None,
) -> Extract:
    """Extract embedded posts, title, publication date and prose from an HTML page.

    ``utf8``, when given, is ``document`` encoded as UTF-8 (the bytes it was read from),
    which the parser reads instead of encoding ``document`` again. ``wants_page``, when
    given, is shown the posts first: when it says no (a page that will be refused for
    its posts), the title, date and prose are not read, and come back empty.
    Pure: one parse, no I/O. Raises `ParseError` only for markup too hostile to parse.
    """
    tree = _parse_tree(document, utf8)
    reactions, embeds = _embedded_posts(tree)  # reads the tree, changes nothing in it
    if wants_page is not None and not wants_page(reactions):
        return Extract(reactions=reactions)
    meta = read_meta(tree)
    title = page_title(tree, meta)
    published = page_published(tree, meta)
    for embed in embeds:  # their text is not the article's prose
        embed.decompose(recursive=False)
    prose, container = page_prose(tree, title)
    if published is None and container is not None:
        published = time_published(container)
    return Extract(title=title, published=published, prose=prose, reactions=reactions)
