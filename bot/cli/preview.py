"""`preview`: the exact payload `!reactions MOVIE` would post, as JSON or as a person reads it."""

from __future__ import annotations

from typing import Any

from bot.config import Settings
from bot.discord_ui.pages import movie_page
from bot.discord_ui.views import pager_view
from bot.ingest.files import ingest_paths
from bot.services.lookup import resolve_movie
from bot.store import opened_store

_ZERO_WIDTH = "\u200b"


async def preview_payload(settings: Settings, query: str, page: int) -> dict[str, Any]:
    """Return the message payload of page ``page`` of the movie ``query`` names."""
    async with opened_store(settings) as store:
        # What the bot loads at start-up is part of what it would post.
        await ingest_paths(store, [settings.articles_dir])
        movie = await resolve_movie(store, query, None)
        rendered = await movie_page(store, movie, None, page)
    view = pager_view(movie.id, rendered)
    return {
        "content": rendered.content,
        "embeds": [embed.to_dict() for embed in rendered.embeds],
        "components": view.to_components() if view else [],
        "allowed_mentions": {"parse": []},
    }


def _unmarked(text: str) -> str:
    """Return Discord markdown as a reader sees it: no spoiler bars, escapes or bold marks."""
    shown = text.replace("||", "").replace("**", "").replace(_ZERO_WIDTH, "")
    result: list[str] = []
    escaped = False
    for char in shown:
        if char == "\\" and not escaped:
            escaped = True
            continue
        escaped = False
        result.append(char)
    return "".join(result)


def payload_as_text(payload: dict[str, Any]) -> str:
    """Render a message payload as plain text, the way a person reads it in Discord."""
    lines = [_unmarked(payload.get("content") or ""), ""]
    for embed in payload.get("embeds") or []:
        author = (embed.get("author") or {}).get("name")
        when = (embed.get("timestamp") or "")[:10]
        lines.append(" · ".join(part for part in (author, when) if part))
        lines.extend(
            "    " + line for line in _unmarked(embed.get("description") or "").split("\n")
        )
        footer = (embed.get("footer") or {}).get("text")
        if footer:
            lines.append(f"    — {footer}")
        lines.append("")
    buttons = [
        component.get("label", "")
        for row in payload.get("components") or []
        for component in row.get("components") or []
        if not component.get("disabled")
    ]
    if buttons:
        lines.append("buttons: " + " ".join(buttons))
    return "\n".join(lines).rstrip() + "\n"
