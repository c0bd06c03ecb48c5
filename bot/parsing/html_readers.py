"""Which reader reads an embed: the registry names the platform, this maps it to a reader."""

from __future__ import annotations

from collections.abc import Callable

from selectolax.lexbor import LexborNode

from bot.domain.models import Reaction
from bot.parsing.html_bluesky import read_bluesky
from bot.parsing.html_instagram import read_instagram
from bot.parsing.html_reddit import read_reddit
from bot.parsing.html_text import classes
from bot.parsing.html_textless import read_mastodon, read_threads
from bot.parsing.html_tiktok import read_tiktok
from bot.parsing.html_twitter import read_twitter
from bot.platforms import embed_platform
from bot.platforms.bluesky import BLUESKY
from bot.platforms.instagram import INSTAGRAM
from bot.platforms.mastodon import MASTODON
from bot.platforms.reddit import REDDIT
from bot.platforms.threads import THREADS
from bot.platforms.tiktok import TIKTOK
from bot.platforms.twitter import TWITTER

__all__ = ["READERS", "read_embed"]

Reader = Callable[[LexborNode], Reaction | None]

# One reader per platform of the registry that has embed markup.
READERS: dict[str, Reader] = {
    BLUESKY.name: read_bluesky,
    INSTAGRAM.name: read_instagram,
    MASTODON.name: read_mastodon,
    REDDIT.name: read_reddit,
    THREADS.name: read_threads,
    TIKTOK.name: read_tiktok,
    TWITTER.name: read_twitter,
}


def read_embed(node: LexborNode) -> Reaction | None:
    """Read one element found by the registry's embed selector; None when not a post."""
    platform = embed_platform(node.tag or "", classes(node), dict(node.attrs))
    reader = READERS.get(platform.name) if platform is not None else None
    return reader(node) if reader is not None else None
