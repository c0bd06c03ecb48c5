"""Articles in the panel: list, add (URL, file or paste) with Discord's preview, remove."""

from __future__ import annotations

import time

from aiohttp import web

from bot.discord_ui.render_admin import preview_embeds
from bot.domain.errors import UserError
from bot.domain.markdown import escape
from bot.ingest.files import MAX_ARTICLE_BYTES
from bot.services import articles as article_service
from bot.services import intake
from bot.web import forms
from bot.web.context import (
    PENDING_SECONDS,
    WEB_AUDIT_VIA,
    PendingArticle,
    audit_actor,
    flash,
    panel_of,
    render,
    require_guild,
)
from bot.web.preview import embed_views, pager_row


async def list_articles(request: web.Request) -> web.StreamResponse:
    """List the articles the server sees, newest first, with the forms to add one."""
    _, guild = await require_guild(request)
    store = panel_of(request).store
    try:
        listing = await article_service.list_articles(
            store, guild.id, None, forms.page_number(request)
        )
    except UserError:
        listing = await article_service.list_articles(store, guild.id, None, 1)
    return await render(
        request,
        "articles.html",
        guild=guild,
        listing=listing,
        pager=pager_row(listing.page, listing.pages),
    )


def _spoilers(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


async def _prepare(request: web.Request, form: forms.Form) -> intake.PreparedArticle:
    """Parse the article the form gives (file, pasted text or URL), as `article add` does."""
    panel = panel_of(request)
    movie = forms.text(form, "movie", 300).strip() or None
    spoilers = _spoilers(forms.text(form, "spoilers", 5))
    upload = form.get("file")
    if isinstance(upload, web.FileField) and upload.filename:
        data = upload.file.read(MAX_ARTICLE_BYTES + 1)
        intake.check_attachment(upload.filename, len(data))
        return await intake.prepare_article(
            panel.store, data, source=None, movie=movie, spoilers=spoilers
        )
    pasted = forms.text(form, "text", MAX_ARTICLE_BYTES)
    if pasted.strip():
        return await intake.prepare_article(
            panel.store, pasted.encode("utf-8"), source=None, movie=movie, spoilers=spoilers
        )
    url = forms.text(form, "url", 2048).strip()
    if not url:
        raise UserError("Give the article's URL, attach its file, or paste its text.")
    return await intake.prepare_url(
        panel.store, url, panel.fetch_policy, movie=movie, spoilers=spoilers
    )


async def preview(request: web.Request) -> web.StreamResponse:
    """Parse an article and show the same preview as Discord; nothing is stored yet."""
    user, guild = await require_guild(request)
    form = await request.post()
    try:
        prepared = await _prepare(request, form)
    except UserError as error:
        await flash(request, error.message, error=True)
        raise web.HTTPSeeOther(f"/g/{guild.id}/articles") from None
    token = panel_of(request).keep_pending(
        PendingArticle(guild.id, user.id, prepared, time.monotonic() + PENDING_SECONDS)
    )
    return await render(
        request,
        "article_preview.html",
        guild=guild,
        embeds=embed_views(preview_embeds(prepared)),
        token=token,
    )


async def confirm(request: web.Request) -> web.StreamResponse:
    """Store the previewed article for the server (Add), or drop it (Cancel)."""
    user, guild = await require_guild(request)
    form = await request.post()
    pending = panel_of(request).take_pending(forms.text(form, "token", 100), guild.id, user.id)
    if forms.text(form, "answer", 10) != "add":
        await flash(request, "Cancelled: nothing was stored.")
        raise web.HTTPSeeOther(f"/g/{guild.id}/articles")
    if pending is None:
        await flash(request, "That preview has expired: add the article again.", error=True)
        raise web.HTTPSeeOther(f"/g/{guild.id}/articles")
    try:
        result = await intake.confirm_article(
            panel_of(request).store,
            pending.prepared,
            guild.id,
            audit_actor(user),
            via=WEB_AUDIT_VIA,
        )
    except UserError as error:
        await flash(request, error.message, error=True)
        raise web.HTTPSeeOther(f"/g/{guild.id}/articles") from None
    if result.created:
        await flash(
            request,
            f"Added article `{result.article_id}` to **{escape(result.movie.title)}**: "
            f"{result.new_reactions} new reaction(s), {result.known_reactions} already known.",
        )
    else:
        await flash(
            request,
            f"That article is already in this server's collection (article `{result.article_id}`).",
        )
    raise web.HTTPSeeOther(f"/g/{guild.id}/articles")


async def remove(request: web.Request) -> web.StreamResponse:
    """Remove one of the server's own articles, through the same service as the command."""
    user, guild = await require_guild(request)
    raw = request.match_info.get("article", "")
    article_id = int(raw) if raw.isdigit() and len(raw) < 19 else 0
    store = panel_of(request).store
    try:
        summary = await article_service.removable_article(store, guild.id, article_id)
        result = await article_service.remove_article(
            store, guild.id, audit_actor(user), article_id, via=WEB_AUDIT_VIA
        )
    except UserError as error:
        await flash(request, error.message, error=True)
    else:
        await flash(
            request,
            f"Removed article `{summary.id}` and {result.removed_reactions} reaction(s) "
            "no other article quoted.",
        )
    raise web.HTTPSeeOther(f"/g/{guild.id}/articles")
