"""The panel's reading pages and curation: servers, movies, a movie's reactions, hide/feature."""

from __future__ import annotations

from aiohttp import web

from bot.discord_ui.render import header, reaction_embed, render_page, title_markdown
from bot.domain.errors import UserError
from bot.domain.markdown import escape
from bot.domain.paging import offset_of, page_count
from bot.domain.records import Movie, StoredReaction
from bot.platforms import PLATFORMS
from bot.services import panel as panel_service
from bot.services import reading
from bot.services.curation import REACTION_ACTIONS, curate_reaction
from bot.web import forms
from bot.web.context import (
    WEB_AUDIT_VIA,
    GuildScope,
    audit_actor,
    flash,
    panel_of,
    render,
    require_guild,
    visitor,
)
from bot.web.discord_api import DiscordApiError
from bot.web.preview import EmbedView, embed_view, embed_views, pager_row

MOVIES_PER_PAGE = 100
# No more servers than this are checked for one visitor's list (each is asked of Discord).
MAX_LISTED_GUILDS = 50


async def index(request: web.Request) -> web.StreamResponse:
    """Show the log-in page, or the servers the visitor moderates."""
    user = await visitor(request)
    if user is None:
        return await render(request, "login.html")
    panel = panel_of(request)
    try:
        theirs = await panel.api.user_guilds(user.access_token)
    except DiscordApiError:
        message = "Discord did not list your servers; log in again."
        return await render(request, "error.html", status=503, message=message)
    try:
        # Only servers the bot is in can be moderated through it: one call narrows the list.
        with_bot = await panel.api.bot_guild_ids()
    except DiscordApiError:
        message = "Discord did not list the bot's servers; try again."
        return await render(request, "error.html", status=503, message=message)
    candidates = [(gid, name) for gid, name in theirs.items() if gid in with_bot]
    guilds = []
    for guild_id, name in candidates[:MAX_LISTED_GUILDS]:
        # Never the browser's word or the OAuth list alone: the bot asks about each one.
        try:
            if await panel.check.is_moderator(guild_id, user.id):
                guilds.append((guild_id, name))
        except DiscordApiError:
            continue
    return await render(request, "guilds.html", guilds=guilds)


async def movies(request: web.Request) -> web.StreamResponse:
    """List the movies the server sees, with how many reactions each shows."""
    _, guild = await require_guild(request)
    found = await reading.movies(panel_of(request).store, guild.id)
    pages = page_count(len(found), MOVIES_PER_PAGE)
    page = min(forms.page_number(request), pages)
    shown = found[offset_of(page, MOVIES_PER_PAGE) :][:MOVIES_PER_PAGE]
    return await render(
        request,
        "movies.html",
        guild=guild,
        movies=shown,
        total=len(found),
        pager=pager_row(page, pages),
    )


async def movie_in(request: web.Request, guild_id: int) -> Movie:
    """Return the movie the URL names, only if the server knows it (404 otherwise)."""
    slug = request.match_info.get("movie", "")
    movie = (
        await panel_of(request).store.find_movie(slug, guild_id)
        if slug.isalnum() and len(slug) <= 200
        else None
    )
    if movie is None or movie.slug != slug:
        raise web.HTTPNotFound(text="No such movie in this server.")
    return movie


def _card(
    reaction: StoredReaction,
    movie: Movie,
    number: int | None,
    total: int | str | None,
    spoiler: bool,
) -> tuple[StoredReaction, EmbedView]:
    embed = reaction_embed(reaction, movie=movie, number=number, total=total, spoiler=spoiler)
    return reaction, embed_view(embed.to_dict())  # type: ignore[arg-type]


async def reactions(request: web.Request) -> web.StreamResponse:
    """Show a movie's reactions as the server's members see them, to search and curate."""
    _, guild = await require_guild(request)
    store = panel_of(request).store
    movie = await movie_in(request, guild.id)
    if request.query.get("view") == "discord":
        return await _as_discord_shows_it(request, guild, movie)
    if request.query.get("view") == "hidden":
        hidden = await panel_service.hidden_page(
            store, guild.id, movie.id, forms.page_number(request)
        )
        cards = [_card(reaction, movie, None, None, True) for reaction in hidden.reactions]
        return await render(
            request,
            "reactions.html",
            guild=guild,
            movie=movie,
            cards=cards,
            content=f"{hidden.total:,} hidden reaction(s)",
            pager=pager_row(hidden.page, hidden.pages),
            query="",
            platform="",
            platforms=[],
            partial=False,
            view="hidden",
            here=request.path_qs,
        )
    query = forms.query_text(request, "q", 200)
    platform = forms.query_text(request, "platform", 40)
    try:
        shown = await panel_service.curation_page(
            store, guild.id, movie, forms.page_number(request), query=query, platform=platform
        )
    except UserError as error:
        await flash(request, error.message, error=True)
        raise web.HTTPSeeOther(f"/g/{guild.id}/m/{movie.slug}") from None
    cards = [
        _card(reaction, shown.movie, number, _count(shown), spoiler)
        for reaction, number, spoiler in zip(
            shown.reactions, shown.numbers, shown.spoilers, strict=True
        )
    ]
    return await render(
        request,
        "reactions.html",
        guild=guild,
        movie=shown.movie,
        cards=cards,
        content=_content_line(shown),
        pager=pager_row(shown.page, shown.pages),
        query=shown.query,
        platform=shown.platform or "",
        platforms=[(p.name, p.label) for p in PLATFORMS],
        partial=shown.partial,
        view="all",
        here=request.path_qs,
    )


async def _as_discord_shows_it(
    request: web.Request, guild: GuildScope, movie: Movie
) -> web.StreamResponse:
    """Show one page exactly as `!reactions` posts it: the same reading and render code."""
    store = panel_of(request).store
    shown = await reading.movie_page(store, movie, guild.id, forms.page_number(request), clamp=True)
    rendered = render_page(shown.data, page_size=shown.page_size, spoilers=shown.spoilers)
    return await render(
        request,
        "discord_page.html",
        guild=guild,
        movie=shown.data.movie,
        content=rendered.content,
        embeds=embed_views(rendered.embeds),
        pager=pager_row(rendered.page, rendered.pages),
        view="discord",
    )


def _count(shown: panel_service.PanelPage) -> int | str:
    """Return the list's total as the bot writes it: "1,000+" for a capped search."""
    return f"{shown.total:,}+" if shown.capped else shown.total


def _content_line(shown: panel_service.PanelPage) -> str:
    """Return the line above the page, as the bot writes it above its embeds."""
    if shown.platform:
        label = next(p.label for p in PLATFORMS if p.name == shown.platform)
        return f"{shown.matches} of {_count(shown)} reaction(s) are from {label}."
    first = shown.numbers[0] if shown.numbers else 0
    last = shown.numbers[-1] if shown.numbers else 0
    if shown.query:
        quoted = escape(shown.query)
        if not shown.reactions:
            return f"No reactions match “{quoted}”."
        newest = ", newest first" if shown.capped else ""
        return f"Reactions matching “{quoted}” — {first}–{last} of {_count(shown)}{newest}"
    if not shown.reactions:
        return f"**{title_markdown(shown.movie)}** has no reactions to show."
    return header(shown.movie, first, last, shown.total)


async def curate(request: web.Request) -> web.StreamResponse:
    """Hide, unhide, feature or unfeature one or many reactions, each through the service."""
    user, guild = await require_guild(request)
    form = await request.post()
    back = forms.back_to(form, guild.id, f"/g/{guild.id}")
    # A row's own button names one reaction ("hide:42"); the bulk buttons act on the ticks.
    one_action, _, one_id = forms.text(form, "one", 40).partition(":")
    if one_action:
        action = REACTION_ACTIONS.get(one_action)
        chosen = [int(one_id)] if one_id.isdigit() and len(one_id) < 19 else []
    else:
        action = REACTION_ACTIONS.get(forms.text(form, "action", 20))
        chosen = forms.ids(form, "reaction")
    if action is None or not chosen:
        await flash(request, "Choose at least one reaction and what to do.", error=True)
        raise web.HTTPSeeOther(back)
    reason = forms.text(form, "reason", 1000) or None
    done, refused = 0, []
    for reaction_id in chosen:
        try:
            await curate_reaction(
                panel_of(request).store,
                guild.id,
                audit_actor(user),
                action,
                reaction_id,
                reason,
                via=WEB_AUDIT_VIA,
            )
            done += 1
        except UserError as error:
            refused.append(error.message)
    if done:
        noun = "reaction" if done == 1 else "reactions"
        await flash(request, f"{done} {noun} {action.outcome}.")
    for message in refused[:3]:
        await flash(request, message, error=True)
    raise web.HTTPSeeOther(back)
