"""Plain-text article parser: posts end in attribution lines such as `— Name (@handle) Date`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.models import Reaction
from bot.parsing.clean import clean_handle, collapse_ws, parse_date
from bot.parsing.extract import Extract
from bot.platforms import get, platform_for_handle, read_post_url
from bot.platforms.twitter import TWITTER

# `— Name (@handle) January 1, 2024`, the em dash form embed codes print. The name may
# itself hold parentheses and emoji, so it is everything between the last dash and the
# last `(@handle)` of the paragraph. This is read in two steps (see `_attribution`) rather
# than by one regex from the paragraph's start: a lazy "anything, then a dash" pattern
# retries every dash against the rest of the paragraph, which is cubic in a paragraph of
# thousands of "--".
_HANDLE_TAIL = re.compile(
    r"\(\s*@(?P<handle>[A-Za-z0-9_.-]{1,64}(?:@[A-Za-z0-9.-]{1,100})?)\s*\)"
    r"\s*(?P<tail>[^()]{0,80})$",
    re.DOTALL,
)
# `— Name @user@instance Mar 1, 2024`: a Mastodon address is unmistakable without
# parentheses (a bare `@name` is not: it may be a mention at the end of a sentence).
_MASTODON_TAIL = re.compile(
    r"(?<![\w@])@(?P<handle>[A-Za-z0-9_]{1,30}@[A-Za-z0-9.-]{1,100}\.[A-Za-z]{2,24})"
    r"\s*(?P<tail>[^()@]{0,80})$",
    re.DOTALL,
)
_HARD_DASHES = "\u2014\u2013"  # em dash, en dash: a name never holds one
_SOFT_DASHES = ("&mdash;", "--")
# Lines that news sites leave between posts when an article is copied as text.
_NOISE = re.compile(
    r"^(?:advertisement|ad|twitter|x|instagram|tiktok|facebook|embed|"
    r"view this post on instagram|story continues below advertisement|"
    r"continue reading below|scroll to continue)\W*$",
    re.IGNORECASE,
)
_PUBLISHED = re.compile(r"^\s*(?:date|published|posted|updated)\s*[:\s]\s*(.{6,40})", re.IGNORECASE)
_URL = re.compile(r"https?://\S+")
# A post is a few paragraphs at most; longer runs of text before an attribution are
# article prose that happens to precede it, not part of the post.
_MAX_POST_CHARS = 1200


def _paragraphs(text: str) -> list[str]:
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return [block.strip() for block in blocks if block.strip()]


def _post_text(pending: list[str], last: str) -> str:
    parts = [*pending, last] if last else list(pending)
    parts = [collapse_ws(part) for part in parts if collapse_ws(part)]
    while len(parts) > 1 and sum(len(part) for part in parts) > _MAX_POST_CHARS:
        parts.pop(0)
    return "\n\n".join(parts)


@dataclass(frozen=True, slots=True)
class _Attribution:
    """A paragraph read as ``before — name (@handle) tail``."""

    before: str
    name: str
    handle: str
    tail: str


def _attribution(paragraph: str) -> _Attribution | None:
    """Split a paragraph that ends in an attribution line; None when it does not.

    The dash is the last em or en dash before the handle, or failing one the first
    ``&mdash;`` or ``--``: the one that leaves a name with no em or en dash in it.
    """
    found = _HANDLE_TAIL.search(paragraph) or _MASTODON_TAIL.search(paragraph)
    if found is None:
        return None
    head = paragraph[: found.start()]
    start = max(head.rfind(dash) for dash in _HARD_DASHES)
    if start >= 0:
        end = start + 1
    else:
        soft = [(index, dash) for dash in _SOFT_DASHES if (index := head.find(dash)) >= 0]
        if not soft:
            return None
        start, dash = min(soft)
        end = start + len(dash)
    return _Attribution(
        before=head[:start].rstrip(),
        name=head[end:].strip(),
        handle=found["handle"],
        tail=found["tail"],
    )


def _reaction(match: _Attribution, pending: list[str]) -> Reaction:
    """Build the post of an attribution: its platform is its URL's, else its handle's."""
    tail = match.tail
    post = read_post_url(next(iter(_URL.findall(tail)), None))
    handle = clean_handle(match.handle)
    platform = get(post.platform) if post else None
    # `— Name (@handle) date` is X's embed code: a handle of no known shape is X's.
    platform = platform or (platform_for_handle(handle) if handle else None) or TWITTER
    return Reaction(
        platform=platform.name,
        text=_post_text(pending, match.before),
        author_name=collapse_ws(match.name) or None,
        handle=handle,
        date=parse_date(tail) or platform.date_of(post.post_id if post else None),
        url=post.url if post else None,
        post_id=post.post_id if post else None,
    )


def _published(head: str) -> str | None:
    for line in head.splitlines()[:5]:
        if match := _PUBLISHED.match(line):
            return parse_date(match[1])
    return None


def _title(first: str) -> str | None:
    """Take a short first line as the title; a sentence or a metadata line is not one."""
    line = first.strip()
    if "\n" in line or len(line) > 150 or line.endswith((".", ":", "!", "?")):
        return None
    if _PUBLISHED.match(line) or _attribution(line):
        return None
    return line.lstrip("# ").strip() or None


def _first_post_text(match: _Attribution, pending: list[str]) -> tuple[list[str], list[str]]:
    """Split what precedes the first post with no lead-in line: ``(prose, post)``.

    The article's opening prose is never part of a post: the first post is the text of
    its own paragraph, or, when its attribution stands alone, the one paragraph before.
    """
    if match.before.strip() or not pending:
        return pending, []
    return pending[:-1], pending[-1:]


def extract_text(text: str) -> Extract:
    """Find the posts in a plain-text article and the prose around them.

    A post's text starts after the previous post, a lead-in line (one ending in ``:``,
    such as "Here's how the internet reacted:") or a noise line ("ADVERTISEMENT"),
    whichever is nearest, and ends with its attribution line. Before the first post only
    a lead-in line opens the posts: without one, the paragraphs before the first post
    are the article's prose (see `_first_post_text`).
    """
    paragraphs = _paragraphs(text)
    reactions: list[Reaction] = []
    prose: list[str] = []
    pending: list[str] = []
    opened = False  # a lead-in line or a post came before: pending paragraphs are posts'
    for paragraph in paragraphs:
        if _NOISE.match(paragraph):
            if opened:
                prose.extend(pending)
                pending = []
            continue
        if match := _attribution(paragraph):
            if not opened:
                opening, pending = _first_post_text(match, pending)
                prose.extend(opening)
            reactions.append(_reaction(match, pending))
            pending = []
            opened = True
            continue
        if paragraph.rstrip().endswith(":"):
            # "Here's how the internet reacted:" introduces posts; it is not one.
            prose.extend([*pending, paragraph])
            pending = []
            opened = True
            continue
        pending.append(paragraph)
    prose.extend(pending)
    return Extract(
        title=_title(paragraphs[0]) if paragraphs else None,
        published=_published(paragraphs[0]) if paragraphs else None,
        prose="\n\n".join(prose)[:20_000],
        reactions=reactions,
    )
