"""TikTok embeds: ``blockquote.tiktok-embed`` captions, and the text-less player iframe."""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from bot.domain.models import Reaction
from bot.parsing.html_text import attr, join_paragraphs, node_text, visible_text
from bot.platforms.tiktok import TIKTOK

__all__ = ["read_tiktok"]

_SOUND = "\u266c"  # "♬ sound name": the clip's music, not its caption


def read_tiktok(node: LexborNode) -> Reaction:
    """Read a TikTok embed: caption (hashtags as shown), handle, permalink."""
    if node.tag == "iframe":
        found = TIKTOK.read_url(attr(node, "src"))
        return Reaction(
            platform=TIKTOK.name,
            text="",
            url=found.url if found else None,
            post_id=found.post_id if found else None,
        )
    found = TIKTOK.read_url(attr(node, "cite"))
    handle = found.handle if found else None
    section = node.css_first("section") or node
    author_link = section.css_first("a")
    author_id = None
    if author_link is not None and node_text(author_link).startswith("@"):
        author_id = author_link.mem_id
        handle = handle or node_text(author_link)[1:] or None

    def chrome(child: LexborNode) -> bool:
        return child.mem_id == author_id or (
            child.tag == "a" and node_text(child).startswith(_SOUND)
        )

    return Reaction(
        platform=TIKTOK.name,
        text=join_paragraphs(visible_text(section, skip=chrome)),
        handle=handle,
        url=found.url if found else None,
        post_id=attr(node, "data-video-id") or (found.post_id if found else None),
    )
