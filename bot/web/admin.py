"""Moderators' server pages: a movie's names, the settings, schedules and the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from bot.domain.errors import UserError
from bot.domain.markdown import escape
from bot.domain.records import MAX_PAGE_SIZE, MIN_PAGE_SIZE, SPOILER_MODES, UNSET
from bot.services import curation, schedules
from bot.web import forms
from bot.web.context import (
    WEB_AUDIT_VIA,
    audit_actor,
    flash,
    panel_of,
    render,
    require_guild,
)
from bot.web.discord_api import DiscordApiError
from bot.web.pages import movie_in

AUDIT_SHOWN = curation.MAX_AUDIT


async def rename_or_alias(request: web.Request) -> web.StreamResponse:
    """Give a movie another name, or a new title in this server."""
    user, guild = await require_guild(request)
    movie = await movie_in(request, guild.id)
    form = await request.post()
    store = panel_of(request).store
    target = f"/g/{guild.id}/m/{movie.slug}"
    try:
        if alias := forms.text(form, "alias", 1000).strip():
            _, stored = await curation.add_alias(
                store, guild.id, audit_actor(user), movie.slug, alias, via=WEB_AUDIT_VIA
            )
            await flash(request, f"**{escape(movie.title)}** is now also “{escape(stored)}”.")
        elif title := forms.text(form, "title", 1000).strip():
            _, renamed = await curation.rename_movie(
                store, guild.id, audit_actor(user), movie.slug, title, via=WEB_AUDIT_VIA
            )
            await flash(request, f"Renamed to **{escape(renamed.title)}** in this server.")
            target = f"/g/{guild.id}/m/{renamed.slug}"
        else:
            await flash(request, "Give an alias or a new title.", error=True)
    except UserError as error:
        await flash(request, error.message, error=True)
    raise web.HTTPSeeOther(target)


async def settings_page(request: web.Request) -> web.StreamResponse:
    """Show the server's settings in a form."""
    _, guild = await require_guild(request)
    current = await curation.settings(panel_of(request).store, guild.id)
    return await render(
        request,
        "settings.html",
        guild=guild,
        current=current,
        modes=SPOILER_MODES,
        sizes=range(MIN_PAGE_SIZE, MAX_PAGE_SIZE + 1),
    )


def _role(raw: str) -> int | None:
    text = raw.strip().removeprefix("<@&").removesuffix(">")
    if not text:
        return None
    if not text.isdigit() or len(text) > 20:
        raise UserError("The moderator role is a role id (a number), or empty for none.")
    return int(text)


async def settings_save(request: web.Request) -> web.StreamResponse:
    """Change the server's settings through the same service as `/settings`."""
    user, guild = await require_guild(request)
    form = await request.post()
    size = forms.text(form, "page_size", 3)
    try:
        change = curation.SettingsChange(
            mod_role_id=_role(forms.text(form, "mod_role_id", 40)),
            spoiler_mode=forms.text(form, "spoiler_mode", 20) or UNSET,
            page_size=int(size) if size.isdigit() else UNSET,
        )
        await curation.update_settings(
            panel_of(request).store, guild.id, audit_actor(user), change, via=WEB_AUDIT_VIA
        )
    except UserError as error:
        await flash(request, error.message, error=True)
    else:
        await flash(request, "Settings saved.")
    raise web.HTTPSeeOther(f"/g/{guild.id}/settings")


async def schedules_page(request: web.Request) -> web.StreamResponse:
    """List the server's schedules, with a form to set one."""
    _, guild = await require_guild(request)
    panel = panel_of(request)
    lines = await schedules.list_schedules(panel.store, guild.id)
    channels = await _channels(request, guild.id)
    return await render(
        request,
        "schedules.html",
        guild=guild,
        lines=lines,
        words=schedules.EVERY_WORDS,
        channels=channels,
    )


async def _channels(request: web.Request, guild_id: int) -> dict[int, str]:
    try:
        return await panel_of(request).api.text_channels(guild_id)
    except DiscordApiError as error:
        raise web.HTTPServiceUnavailable(text="Discord could not be asked; try again.") from error


def _channel(raw: str, channels: dict[int, str]) -> int:
    text = raw.strip().removeprefix("<#").removesuffix(">")
    if not text.isdigit() or len(text) > 20 or int(text) not in channels:
        raise UserError("Choose one of this server's text channels.")
    return int(text)


async def schedule_change(request: web.Request) -> web.StreamResponse:
    """Set or stop a channel's schedule through the same service as `/schedule`."""
    user, guild = await require_guild(request)
    form = await request.post()
    store = panel_of(request).store
    try:
        channel_id = _channel(forms.text(form, "channel", 40), await _channels(request, guild.id))
        if forms.text(form, "do", 10) == "stop":
            await schedules.stop_schedule(
                store, guild.id, audit_actor(user), channel_id, via=WEB_AUDIT_VIA
            )
            await flash(request, "Schedule stopped.")
        else:
            await schedules.set_schedule(
                store,
                guild.id,
                audit_actor(user),
                channel_id,
                every=forms.text(form, "every", 20),
                at=forms.text(form, "at", 20) or None,
                movie_query=forms.text(form, "movie", 300).strip() or None,
                now=datetime.now(UTC),
                via=WEB_AUDIT_VIA,
            )
            await flash(request, "Schedule saved.")
    except UserError as error:
        await flash(request, error.message, error=True)
    raise web.HTTPSeeOther(f"/g/{guild.id}/schedules")


async def audit_page(request: web.Request) -> web.StreamResponse:
    """Show the server's latest moderator actions, newest first."""
    _, guild = await require_guild(request)
    entries = await curation.audit_trail(panel_of(request).store, guild.id, AUDIT_SHOWN)
    return await render(request, "audit.html", guild=guild, entries=entries)
