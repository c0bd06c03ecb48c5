"""Discord's message payload shown in a browser: the embeds the bot posts, as safe HTML.

The panel never renders reactions itself: it takes the payload `bot.discord_ui.render`
builds for Discord (``Embed.to_dict()``) and turns the little markdown Discord would
interpret (spoilers, bold, escapes, links) into HTML. Every piece of text is escaped
first; only tags written here are ever emitted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import discord
from markupsafe import Markup, escape

from bot.domain.markdown import ZERO_WIDTH_SPACE

# Discord markdown the bot's payloads use: a backslash escape, spoiler bars, bold stars,
# inline code, a masked link, a bare link (escaped ones hold no raw bar), a line break.
_TOKEN = re.compile(
    r"\\(?P<escaped>[^\w\s])"
    r"|(?P<spoiler>\|\|)"
    r"|(?P<bold>\*\*)"
    r"|`(?P<code>[^`\n]{1,300})`"
    r"|\[(?P<label>[^\]\n]{1,200})\]\((?P<target>https?://[^)\s]+)\)"
    r"|(?P<url>https?://[^\s<>\"|]*[^\s<>\"|.,:;'\")\]!?])"
    r"|(?P<newline>\n)",
    re.IGNORECASE,
)
_HTTP = re.compile(r"^https?://", re.IGNORECASE)


def _link(url: str, label: str) -> str:
    if not _HTTP.match(url):
        return str(escape(label))
    return (
        f'<a href="{escape(url)}" rel="noopener noreferrer nofollow" target="_blank">'
        f"{escape(label)}</a>"
    )


def markdown_html(text: str) -> Markup:
    """Return Discord-flavoured markdown as HTML: spoilers, bold, escapes and links only."""
    out: list[str] = []
    open_tags: list[str] = []
    last = 0

    def toggle(tag: str, opening: str) -> None:
        if open_tags and open_tags[-1] == tag:
            open_tags.pop()
            out.append(f"</{tag}>")
        else:
            open_tags.append(tag)
            out.append(opening)

    for match in _TOKEN.finditer(text):
        out.append(str(escape(text[last : match.start()])))
        last = match.end()
        if match.group("escaped") is not None:
            out.append(str(escape(match.group("escaped"))))
        elif match.group("spoiler"):
            toggle("span", '<span class="spoiler" tabindex="0" title="Spoiler: click to show">')
        elif match.group("bold"):
            toggle("strong", "<strong>")
        elif match.group("code") is not None:
            out.append(f"<code>{escape(match.group('code'))}</code>")
        elif match.group("target"):
            out.append(_link(match.group("target"), match.group("label")))
        elif match.group("url"):
            out.append(_link(match.group("url"), match.group("url")))
        else:
            out.append("<br>")
    out.append(str(escape(text[last:])))
    out.extend(f"</{tag}>" for tag in reversed(open_tags))
    return Markup("".join(out).replace(ZERO_WIDTH_SPACE, ""))  # noqa: S704 - built from escaped parts


@dataclass(frozen=True, slots=True)
class EmbedView:
    """One embed of a payload, ready for a template."""

    author: str
    author_url: str | None
    title: str | None
    description: Markup
    footer: str
    date: str | None
    fields: tuple[tuple[str, Markup], ...]


def _safe_url(url: Any) -> str | None:
    return url if isinstance(url, str) and _HTTP.match(url) else None


def embed_view(payload: dict[str, Any]) -> EmbedView:
    """Return the parts of one embed payload (``Embed.to_dict()``) a template shows."""
    author = payload.get("author") or {}
    timestamp = payload.get("timestamp")
    return EmbedView(
        author=str(author.get("name", "")).replace(ZERO_WIDTH_SPACE, ""),
        author_url=_safe_url(author.get("url")),
        title=payload.get("title"),
        description=markdown_html(str(payload.get("description", ""))),
        footer=str((payload.get("footer") or {}).get("text", "")).replace(ZERO_WIDTH_SPACE, ""),
        date=str(timestamp)[:10] if timestamp else None,
        fields=tuple(
            (str(field["name"]), markdown_html(str(field["value"])))
            for field in payload.get("fields", [])
        ),
    )


def embed_views(embeds: Iterable[discord.Embed]) -> list[EmbedView]:
    """Return the views of embeds exactly as the bot would post them."""
    return [embed_view(embed.to_dict()) for embed in embeds]  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class PagerRow:
    """The ◀ ▶ buttons under a page, as Discord shows them; None page means disabled."""

    previous: int | None
    next: int | None
    page: int
    pages: int


def pager_row(page: int, pages: int) -> PagerRow | None:
    """Return the ◀ ▶ row of a page, or None when everything fits one page (as the bot)."""
    if pages <= 1:
        return None
    return PagerRow(
        previous=page - 1 if page > 1 else None,
        next=page + 1 if page < pages else None,
        page=page,
        pages=pages,
    )
