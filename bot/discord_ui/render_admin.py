"""Moderator views as embeds: article previews, article lists, the audit trail, settings."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.discord_ui.render import (
    EMBED_COLOUR,
    MAX_DESCRIPTION,
    MAX_EMBED_TOTAL,
    escaped_within,
    reaction_embed,
)
from bot.domain.markdown import escape, name_markdown, one_line, shorten
from bot.domain.models import MovieRef, Reaction
from bot.domain.records import (
    OPERATOR_ID,
    ArticlePage,
    AuditEntry,
    GuildSettings,
    Movie,
    Schedule,
    Stats,
    StoredReaction,
)
from bot.platforms import describe_skipped
from bot.services.intake import PreparedArticle
from bot.services.schedules import EVERY_WORDS, SchedulePage

PREVIEW_SAMPLES = 3
# Room left for the summary embed so a preview stays within 6,000 characters a message.
PREVIEW_SAMPLE_BUDGET = 1200
_PREVIEW_MARGIN = 50
MAX_SLUG_SHOWN = 100
MAX_STATS_TITLE = 200


def _as_stored(reaction: Reaction, spoiler: bool) -> StoredReaction:
    return StoredReaction(
        id=0,
        movie_id=0,
        platform=reaction.platform,
        text=reaction.text,
        author_name=reaction.author_name,
        handle=reaction.handle,
        date=reaction.date,
        url=reaction.url,
        spoiler=spoiler,
    )


def preview_embeds(prepared: PreparedArticle) -> list[discord.Embed]:
    """Show a moderator what an article would add, with the first reactions as they'd look.

    Names are shortened and the samples share what the summary leaves of one message's
    6,000 characters, so any article's preview can be sent (issue 12).
    """
    article = prepared.article
    movie_ref = article.movie or MovieRef.from_title("unknown")
    total = len(article.reactions)
    lines = [
        f"**Movie:** {name_markdown(movie_ref.title)} "
        f"(`{escape(shorten(movie_ref.slug, MAX_SLUG_SHOWN))}`)",
        f"**Spoilers:** {'yes' if article.spoiler else 'no'}",
        f"**Reactions:** {total} — {prepared.new} new, {prepared.known} already known",
    ]
    if article.skipped:  # said, not dropped silently (issue 13)
        lines.append(f"**Skipped:** {escape(shorten(describe_skipped(article.skipped), 500))}")
    if article.title:
        lines.insert(0, f"**Title:** {name_markdown(article.title, 300)}")
    if article.source:
        lines.append(f"**Source:** {escape(shorten(one_line(article.source), 300))}")
    summary = discord.Embed(
        title="Add this article?", description="\n".join(lines), colour=EMBED_COLOUR
    )
    summary.set_footer(text="Nothing is stored until you press Add.")
    movie = Movie(id=0, title=movie_ref.title, slug=movie_ref.slug)

    def samples(budget: int) -> list[discord.Embed]:
        return [
            reaction_embed(
                _as_stored(reaction, article.spoiler),
                movie=movie,
                number=index + 1,
                total=total,
                spoiler=True,
                budget=budget,
            )
            for index, reaction in enumerate(article.reactions[:PREVIEW_SAMPLES])
        ]

    shown = samples(PREVIEW_SAMPLE_BUDGET)
    room = MAX_EMBED_TOTAL - len(summary) - _PREVIEW_MARGIN
    if shown and sum(len(embed) for embed in shown) > room:
        fixed = sum(len(embed) - len(embed.description or "") for embed in shown)
        shown = samples(min(PREVIEW_SAMPLE_BUDGET, (room - fixed) // len(shown)))
    return [summary, *shown]


def _bounded_lines(lines: Sequence[str], more: str) -> str:
    kept: list[str] = []
    length = 0
    for index, line in enumerate(lines):
        if length + len(line) + len(more) + 20 > MAX_DESCRIPTION:
            kept.append(more.format(len(lines) - index))
            break
        kept.append(line)
        length += len(line) + 1
    return "\n".join(kept)


def article_list_embed(page: ArticlePage, *, page_number: int, pages: int) -> discord.Embed:
    """List articles with their ids, scope and reaction counts."""
    lines = [
        f"`{summary.id}` **{escape((summary.title or summary.source or 'untitled')[:120])}** — "
        f"{name_markdown(summary.movie.title)}, {summary.reaction_count} reaction(s)"
        f"{' · global' if summary.is_global else ''}"
        for summary in page.articles
    ]
    embed = discord.Embed(
        title="Articles",
        description=_bounded_lines(lines, "…and {} more") if lines else "No articles.",
        colour=EMBED_COLOUR,
    )
    embed.set_footer(text=f"Page {page_number} of {pages} · {page.total} article(s)")
    return embed


def _actor(entry: AuditEntry) -> str:
    """Return who made an audited change, and where when it was not in Discord."""
    who = "the operator" if entry.user_id == OPERATOR_ID else f"<@{entry.user_id}>"
    return who if entry.via == "discord" else f"{who} via {entry.via}"


def audit_embed(entries: Sequence[AuditEntry]) -> discord.Embed:
    """Show the latest moderator actions, newest first."""
    lines = [
        f"`{entry.created_at[:16].replace('T', ' ')}` {_actor(entry)} **{entry.action}** "
        f"{escape(entry.target[:200])}"
        + (f" — {escape(entry.reason[:200])}" if entry.reason else "")
        for entry in entries
    ]
    return discord.Embed(
        title="Moderator actions",
        description=_bounded_lines(lines, "…and {} more") if lines else "Nothing yet.",
        colour=EMBED_COLOUR,
    )


def settings_embed(settings: GuildSettings) -> discord.Embed:
    """Show a server's settings."""
    role = f"<@&{settings.mod_role_id}>" if settings.mod_role_id else "none (Manage Messages only)"
    embed = discord.Embed(title="Settings", colour=EMBED_COLOUR)
    embed.add_field(name="Moderator role", value=role, inline=False)
    embed.add_field(name="Spoilers", value=settings.spoiler_mode, inline=True)
    embed.add_field(name="Page size", value=str(settings.page_size), inline=True)
    return embed


def stats_embed(stats: Stats, movie: Movie | None, platform: str | None = None) -> discord.Embed:
    """Show a server's counts and most quoted authors (of one movie and platform, if named)."""
    title = escaped_within(one_line(movie.title), MAX_STATS_TITLE) if movie else None
    scope = " · ".join(part for part in (title, platform) if part)
    embed = discord.Embed(title=f"Stats — {scope}" if scope else "Stats", colour=EMBED_COLOUR)
    if movie is None:
        embed.add_field(name="Movies", value=str(stats.movies))
    embed.add_field(name="Articles", value=str(stats.articles))
    embed.add_field(name="Reactions", value=str(stats.reactions))
    embed.add_field(name="Featured", value=str(stats.featured))
    embed.add_field(name="Hidden", value=str(stats.hidden))
    authors = "\n".join(f"{escape(name[:200])} — {count}" for name, count in stats.top_authors[:5])
    embed.add_field(name="Most quoted", value=authors or "nobody yet", inline=False)
    return embed


def describe_schedule(schedule: Schedule, movie_title: str | None, *, with_id: bool = False) -> str:
    """Return one line that says where, how often and what a schedule posts.

    ``with_id`` adds the channel's id: a deleted channel's mention shows no name, and its
    schedule is then stopped by id.
    """
    when = EVERY_WORDS.get(schedule.every, schedule.every)
    if schedule.every == "daily" and schedule.at:
        when += f" at {schedule.at} UTC"
    what = f"reactions to **{name_markdown(movie_title, 100)}**" if movie_title else "reactions"
    next_run = int(schedule.next_run_at.timestamp())
    line = f"<#{schedule.channel_id}>: {what} {when}, next <t:{next_run}:R>"
    if with_id:
        line += f" · channel id `{schedule.channel_id}`"
    if schedule.paused:
        line += f" — paused: {escape(shorten(schedule.paused_reason or 'unknown reason', 200))}"
    return line


def schedules_embed(shown: SchedulePage) -> discord.Embed:
    """List one page of a server's schedules, each with its channel's id."""
    lines = [
        describe_schedule(line.schedule, line.movie_title, with_id=True) for line in shown.lines
    ]
    embed = discord.Embed(
        title="Schedules", description=_bounded_lines(lines, "…and {} more"), colour=EMBED_COLOUR
    )
    embed.set_footer(text=f"Page {shown.page} of {shown.pages} · {shown.total} schedule(s)")
    return embed
