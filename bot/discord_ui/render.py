"""Stored reactions -> Discord embeds: escaping, spoiler tags, and Discord's size limits."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import discord

from bot import platforms
from bot.domain.markdown import (
    ELLIPSIS,
    MAX_HANDLE,
    MAX_TITLE_FOOTER,
    MAX_TITLE_HEADER,
    disarm,
    escape,
    link_target,
    one_line,
    plain,
    safe_url,
    seal,
    shorten,
)
from bot.domain.paging import page_count
from bot.domain.records import Movie, ReactionPage, SearchPage, StoredReaction

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


def _fits(text: str, end: int, room: int) -> bool:
    return len(escape(text[:end])) <= room


def _longest(text: str, ends: list[int], room: int) -> int:
    """Return the longest of ``ends`` whose escaped prefix fits ``room``, or 0.

    The escaped length grows with the prefix, so a binary search finds it.
    """
    low, high = 0, len(ends)
    while low < high:
        middle = (low + high + 1) // 2
        if _fits(text, ends[middle - 1], room):
            low = middle
        else:
            high = middle - 1
    return ends[low - 1] if low else 0


def _cut(text: str, budget: int) -> tuple[str, bool]:
    """Return the escaped form of ``text`` cut on a word so it fits ``budget`` characters."""
    escaped = escape(text)
    if len(escaped) <= budget:
        return escaped, False
    room = budget - len(ELLIPSIS)
    end = _longest(text, [match.end() for match in re.finditer(r"\S+", text)], room)
    if not end:
        # One word longer than the budget: cut it by characters, never inside an escape.
        end = _longest(text, list(range(1, len(text) + 1)), room)
    return escape(text[:end]).rstrip() + ELLIPSIS, True


def escaped_within(text: str, budget: int) -> str:
    """Return ``text`` escaped and cut on a word so the escaped form fits ``budget``."""
    return _cut(text, budget)[0]


def describe(reaction: StoredReaction, *, spoiler: bool, budget: int = MAX_DESCRIPTION) -> str:
    """Return an embed description for ``reaction`` that fits ``budget`` characters.

    With ``spoiler`` the text is one ``||…||`` spoiler that nothing inside can close.
    Cut text ends in an ellipsis and, when it fits, a link to the original post.
    """
    return _describe(reaction, safe_url(reaction.url), spoiler=spoiler, budget=budget)


def _describe(reaction: StoredReaction, url: str | None, *, spoiler: bool, budget: int) -> str:
    """`describe` with the post's link already made safe (``safe_url(reaction.url)``)."""
    link = f"\n[Read the full post]({link_target(url)})" if url else ""
    if len(link) > budget // 2:
        link = ""  # a link that would crowd out the text is left to the author line
    wrap = 4 if spoiler else 0
    # One character is kept back for the zero-width space `_seal` may add.
    body, cut = _cut(reaction.text, budget - wrap - len(link) - 1)
    if not body.strip():
        body = ELLIPSIS  # "||||" is not a spoiler, and an empty description is refused
    if spoiler:
        body = f"||{seal(body)}||"
    return body + link if cut else body


def profile_url(reaction: StoredReaction) -> str | None:
    """Return the post's own link, else the author's profile on the post's platform."""
    return _profile_url(reaction, safe_url(reaction.url))


def _profile_url(reaction: StoredReaction, url: str | None) -> str | None:
    """`profile_url` with the post's link already made safe (``safe_url(reaction.url)``)."""
    if url:
        return url
    platform = platforms.get(reaction.platform)
    return safe_url(platform.profile_url(reaction.handle)) if platform else None


def platform_label(reaction: StoredReaction) -> str:
    """Return the name of the post's platform as people know it ("X", "Bluesky")."""
    platform = platforms.get(reaction.platform)
    return platform.label if platform else disarm(shorten(one_line(reaction.platform), 32))


def author_line(reaction: StoredReaction) -> str:
    """Return "Name (@handle)", whichever parts are known, within the author limit.

    Both parts are plain text: mentions and masked links in them are disarmed.
    """
    name = plain(reaction.author_name or "")
    known = one_line(shorten(reaction.handle or "", MAX_HANDLE))
    handle = disarm(f"(@{known})") if known else ""
    line = f"{name} {handle}".strip() or "Unknown author"
    if len(line) > MAX_AUTHOR:
        line = name[: MAX_AUTHOR - len(handle) - 2].rstrip() + ELLIPSIS + " " + handle
    return line[:MAX_AUTHOR]


@functools.lru_cache(maxsize=4096)
def _timestamp(date: str | None) -> dt.datetime | None:
    """Return a post's date as an embed timestamp (UTC), or None if it is not an ISO date.

    Cached: posts share dates (1M of the benchmark's fall on 3,800), and parsing with
    ``replace(tzinfo=…)`` costs ten times a look-up (issue 15). Datetimes are immutable.
    """
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
    total: int | str | None = None,
    spoiler: bool,
    budget: int = MAX_DESCRIPTION,
) -> discord.Embed:
    """Build the embed of one reaction; the footer names the movie and "n of N" if given."""
    embed, _ = _embed(
        reaction,
        _footer_title(movie),
        number=number,
        total=total,
        spoiler=spoiler,
        budget=budget,
    )
    return embed


def _footer_title(movie: Movie) -> str:
    """Return the movie's title as a footer shows it: one plain line, shortened."""
    return disarm(shorten(one_line(movie.title), MAX_TITLE_FOOTER))


def _embed(
    reaction: StoredReaction,
    title: str,
    *,
    number: int | None,
    total: int | str | None,
    spoiler: bool,
    budget: int,
) -> tuple[discord.Embed, int]:
    """`reaction_embed` with the movie's footer title made once for a whole page.

    Also returns the embed's share of a message's 6,000 characters, as ``len(embed)``
    counts it: summed from the parts at hand it costs a fraction of that (issue 15).
    """
    url = safe_url(reaction.url)
    label = platform_label(reaction)
    # Discord shows an embed's url only as its title's link (issue 12); distinct urls
    # also keep Discord from merging the embeds of one page into one.
    heading = f"Post on {label}" if url else None
    description = _describe(reaction, url, spoiler=spoiler, budget=budget)
    author = author_line(reaction)
    footer = _footer(reaction, title, label, number=number, total=total)
    embed = discord.Embed(
        title=heading,
        description=description,
        colour=EMBED_COLOUR,
        url=url,
        timestamp=_timestamp(reaction.date),
    )
    embed.set_author(name=author, url=_profile_url(reaction, url))
    embed.set_footer(text=footer)
    return embed, len(heading or "") + len(description) + len(author) + len(footer)


def _footer(
    reaction: StoredReaction,
    title: str,
    label: str,
    *,
    number: int | None,
    total: int | str | None,
) -> str:
    """Return an embed's footer: the movie (starred if featured), "n of N", platform, id."""
    parts = [f"★ {title}" if reaction.featured else title]
    if number is not None and total is not None:
        parts.append(f"{number} of {total}")
    parts.append(label)
    if reaction.id:
        parts.append(f"id {reaction.id}")
    return " · ".join(parts)[:MAX_FOOTER]


@dataclass(frozen=True, slots=True)
class RenderedPage:
    """The content line and embeds of one page of reactions (shared: never changed)."""

    content: str
    embeds: tuple[discord.Embed, ...]
    page: int
    pages: int


def title_markdown(movie: Movie) -> str:
    """Return the movie's title escaped for bold markdown, short enough for any message."""
    return seal(escape(shorten(one_line(movie.title), MAX_TITLE_HEADER)))


def header(movie: Movie, first: int, last: int, total: int) -> str:
    """Return the line above a page: the movie and which reactions it shows."""
    return f"**{title_markdown(movie)}** — reactions {first}–{last} of {total}"


def _spoiler_flags(count: int, spoilers: Sequence[bool] | bool) -> list[bool]:
    return [spoilers] * count if isinstance(spoilers, bool) else list(spoilers)


def _embeds_within_total(
    reactions: Sequence[StoredReaction],
    movies: Mapping[int, Movie],
    flags: Sequence[bool],
    *,
    offset: int,
    total: int | str,
) -> list[discord.Embed]:
    """Render one embed per reaction so that all of them fit one message's 6,000 characters."""
    titles = {movie_id: _footer_title(movie) for movie_id, movie in movies.items()}

    def build(budget: int) -> list[tuple[discord.Embed, int]]:
        return [
            _embed(
                reaction,
                titles[reaction.movie_id],
                number=offset + index + 1,
                total=total,
                spoiler=flag,
                budget=budget,
            )
            for index, (reaction, flag) in enumerate(zip(reactions, flags, strict=True))
        ]

    sized = build(MAX_DESCRIPTION)
    if sum(size for _, size in sized) > MAX_EMBED_TOTAL:
        # Author lines and footers are capped, so what is left for each description
        # stays well above what one short reaction and its link need.
        fixed = sum(size - len(embed.description or "") for embed, size in sized)
        share = (MAX_EMBED_TOTAL - fixed - _TOTAL_MARGIN) // max(1, len(sized))
        sized = build(min(share, MAX_DESCRIPTION))
    return [embed for embed, _ in sized]


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
        else f"**{title_markdown(page.movie)}** has no reactions to show."
    )
    return RenderedPage(
        content=content,
        embeds=tuple(embeds),
        page=page.offset // page_size + 1,
        pages=page_count(page.total, page_size),
    )


def _search_count(result: SearchPage) -> str:
    """Return how many a search found as members read it: "1,000", or "1,000+" if capped."""
    return f"{result.total:,}+" if result.capped else f"{result.total:,}"


def render_search(
    result: SearchPage,
    movies: Mapping[int, Movie],
    *,
    page_size: int,
    spoilers: Sequence[bool] | bool = True,
) -> RenderedPage:
    """Render a page of search results; ``movies`` names the movie of each reaction.

    A capped search counts "1,000+" and says its matches come newest first.
    """
    reactions = result.reactions[:MAX_EMBEDS]
    found = _search_count(result)
    embeds = _embeds_within_total(
        reactions,
        movies,
        _spoiler_flags(len(reactions), spoilers),
        offset=result.offset,
        total=found,
    )
    query = escape(" ".join(result.query.split())[:100])
    if reactions:
        first, last = result.offset + 1, result.offset + len(reactions)
        content = f"Reactions matching “{query}” — {first}–{last} of {found}"
        if result.capped:
            content += ", newest first"
    else:
        content = f"No reactions match “{query}”."
    return RenderedPage(
        content=content[:MAX_CONTENT],
        embeds=tuple(embeds),
        page=result.offset // page_size + 1,
        pages=page_count(result.total, page_size),
    )
