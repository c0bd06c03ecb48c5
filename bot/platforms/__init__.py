"""Social platforms: one module per platform, and the registry parsing and rendering ask."""

from bot.platforms.base import Platform, PostRef
from bot.platforms.registry import (
    EMBED_SELECTOR,
    PLATFORMS,
    describe_skipped,
    embed_platform,
    get,
    platform_for_handle,
    read_post_url,
)

__all__ = [
    "EMBED_SELECTOR",
    "PLATFORMS",
    "Platform",
    "PostRef",
    "describe_skipped",
    "embed_platform",
    "get",
    "platform_for_handle",
    "read_post_url",
]
