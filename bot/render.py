"""Stored reactions -> Discord embeds: escaping, spoiler tags, and Discord's size limits."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

import discord

from bot.store.protocol import Movie, ReactionPage, SearchPage, StoredReaction

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
MAX_DESCRIPTION = 4096
MAX_AUTHOR = 256
MAX_FOOTER = 2048
MAX_CONTENT = 2000
# Room kept back from the per-message total for the non-description parts of each embed.
_TOTAL_MARGIN = 50

EMBED_COLOUR = discord.Colour(0xE5A00D)
ELLIPSIS = "…"

# Like Discord's autolink: a URL does not end in punctuation that closes a sentence.
_URL = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,:;'\")\]!?]")
# Every character that Discord markdown gives a meaning. A backslash before ASCII
# punctuation is hidden by Discord, so escaping them all changes nothing a reader sees.
_MARKDOWN = re.compile(r"([\\*_~`|>\[\]()<#\-])")
_NUMBERED_LIST = re.compile(r"^(\s*\d+)\.(?=\s)", re.MULTILINE)
# In a URL, characters that could end a spoiler or start markup are percent-encoded
# instead: the link still works and nothing can close the `||` early.
_URL_UNSAFE = "|*~`<>[]()\\"
_MENTION = re.compile(r"@(?=everyone|here|[!&]?\d)", re.IGNORECASE)


def _escape_url(url: str) -> str:
    return "".join(quote(ch, safe="") if ch in _URL_UNSAFE else ch for ch in url)


def _escape_plain(text: str) -> str:
    escaped = _NUMBERED_LIST.sub(r"\1\\.", _MARKDOWN.sub(r"\\\1", text))
    return _MENTION.sub("@\u200b", escaped)


def escape(text: str) -> str:
    """Escape member-written text so it shows as written: no markup, mention or link mask."""
    parts: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        parts.append(_escape_plain(text[last : match.start()]))
        parts.append(_escape_url(match.group()))
        last = match.end()
    parts.append(_escape_plain(text[last:]))
    return "".join(parts)


def _cut(text: str, budget: int) -> tuple[str, bool]:
    """Return the escaped form of ``text`` cut on a word so it fits ``budget`` characters."""
    escaped = escape(text)
    if len(escaped) <= budget:
        return escaped, False
    kept = ""
    for match in re.finditer(r"\S+\s*", text):
        candidate = escape(text[: match.end()].rstrip())
        if len(candidate) + len(ELLIPSIS) > budget:
            break
        kept = candidate
    if not kept:
        # One word longer than the budget: cut it by characters, never inside an escape.
        kept = escape(text[: max(0, budget // 2 - 1)])
        while len(kept) + len(ELLIPSIS) > budget and kept:
            kept = escape(text[: len(kept) // 2])
    return kept + ELLIPSIS, True


def describe(reaction: StoredReaction, *, spoiler: bool, budget: int = MAX_DESCRIPTION) -> str:
    """Return an embed description for ``reaction`` that fits ``budget`` characters."""
    link = f"\n[Read the full post]({_escape_url(reaction.url)})" if reaction.url else ""
    wrap = 4 if spoiler else 0
    body, cut = _cut(reaction.text, budget - wrap - len(link))
    if spoiler:
        body = f"||{body}||"
    return body + link if cut else body


def profile_url(reaction: StoredReaction) -> str | None:
    """Return the post's own link, else the author's profile, else None."""
    if reaction.url:
        return reaction.url
    if reaction.handle and reaction.platform == "twitter":
        return f"https://twitter.com/{quote(reaction.handle)}"
    if reaction.handle and reaction.platform == "instagram":
        return f"https://www.instagram.com/{quote(reaction.handle)}/"
    return None


def author_line(reaction: StoredReaction) -> str:
    """Return "Name (@handle)", whichever parts are known, within the author limit."""
    name = " ".join((reaction.author_name or "").split())
    handle = f"(@{reaction.handle})" if reaction.handle else ""
    line = f"{name} {handle}".strip() or "Unknown author"
    if len(line) > MAX_AUTHOR:
        line = line[: MAX_AUTHOR - len(handle) - 2].rstrip() + ELLIPSIS + " " + handle
    return line[:MAX_AUTHOR]


def _timestamp(date: str | None) -> dt.datetime | None:
    if not date:
        return None
    try:
        return dt.datetime.fromisoformat(date).replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def reaction_embed(
    reaction: StoredReaction,
    *,
    movie: Movie,
    number: int | None = None,
    total: int | None = None,
    spoiler: bool,
    budget: int = MAX_DESCRIPTION,
) -> discord.Embed:
    """Build the embed of one reaction; the footer names the movie and "n of N" if given."""
    embed = discord.Embed(
        description=describe(reaction, spoiler=spoiler, budget=budget),
        colour=EMBED_COLOUR,
        url=reaction.url or None,
        timestamp=_timestamp(reaction.date),
    )
    embed.set_author(name=author_line(reaction), url=profile_url(reaction))
    parts = [f"★ {movie.title}" if reaction.featured else movie.title]
    if number is not None and total is not None:
        parts.append(f"{number} of {total}")
    if reaction.id:
        parts.append(f"id {reaction.id}")
    embed.set_footer(text=" · ".join(parts)[:MAX_FOOTER])
    return embed


@dataclass(frozen=True, slots=True)
class RenderedPage:
    """The content line and embeds of one page of reactions."""

    content: str
    embeds: list[discord.Embed]
    page: int
    pages: int


def page_count(total: int, page_size: int) -> int:
    """Return how many pages ``total`` reactions fill, at least one."""
    return max(1, -(-total // page_size))


def header(movie: Movie, first: int, last: int, total: int) -> str:
    """Return the line above a page: the movie and which reactions it shows."""
    title = escape(movie.title)
    text = f"**{title}** — reactions {first}–{last} of {total}"
    return text[:MAX_CONTENT]


def _spoiler_flags(count: int, spoilers: Sequence[bool] | bool) -> list[bool]:
    return [spoilers] * count if isinstance(spoilers, bool) else list(spoilers)


def _embeds_within_total(
    reactions: Sequence[StoredReaction],
    movies: Mapping[int, Movie],
    flags: Sequence[bool],
    *,
    offset: int,
    total: int,
) -> list[discord.Embed]:
    """Render one embed per reaction so that all of them fit one message's 6,000 characters."""

    def build(budget: int) -> list[discord.Embed]:
        return [
            reaction_embed(
                reaction,
                movie=movies[reaction.movie_id],
                number=offset + index + 1,
                total=total,
                spoiler=flag,
                budget=budget,
            )
            for index, (reaction, flag) in enumerate(zip(reactions, flags, strict=True))
        ]

    embeds = build(MAX_DESCRIPTION)
    if sum(len(embed) for embed in embeds) > MAX_EMBED_TOTAL:
        fixed = sum(len(embed) - len(embed.description or "") for embed in embeds)
        embeds = build((MAX_EMBED_TOTAL - fixed - _TOTAL_MARGIN) // max(1, len(embeds)))
    return embeds


def render_page(
    page: ReactionPage, *, page_size: int, spoilers: Sequence[bool] | bool = True
) -> RenderedPage:
    """Render a page of one movie's reactions within Discord's per-message limits.

    ``spoilers`` is one flag for all reactions or one per reaction (the server's
    setting decides which are hidden). Descriptions share the 6,000-character budget.
    """
    reactions = page.reactions[:MAX_EMBEDS]
    embeds = _embeds_within_total(
        reactions,
        {reaction.movie_id: page.movie for reaction in reactions},
        _spoiler_flags(len(reactions), spoilers),
        offset=page.offset,
        total=page.total,
    )
    content = (
        header(page.movie, page.offset + 1, page.offset + len(reactions), page.total)
        if reactions
        else f"**{escape(page.movie.title)}** has no reactions to show."
    )
    return RenderedPage(
        content=content,
        embeds=embeds,
        page=page.offset // page_size + 1,
        pages=page_count(page.total, page_size),
    )


def render_search(
    result: SearchPage,
    movies: Mapping[int, Movie],
    *,
    page_size: int,
    spoilers: Sequence[bool] | bool = True,
) -> RenderedPage:
    """Render a page of search results; ``movies`` names the movie of each reaction."""
    reactions = result.reactions[:MAX_EMBEDS]
    embeds = _embeds_within_total(
        reactions,
        movies,
        _spoiler_flags(len(reactions), spoilers),
        offset=result.offset,
        total=result.total,
    )
    query = escape(" ".join(result.query.split())[:100])
    if reactions:
        first, last = result.offset + 1, result.offset + len(reactions)
        content = f"Reactions matching “{query}” — {first}–{last} of {result.total}"
    else:
        content = f"No reactions match “{query}”."
    return RenderedPage(
        content=content[:MAX_CONTENT],
        embeds=embeds,
        page=result.offset // page_size + 1,
        pages=page_count(result.total, page_size),
    )
