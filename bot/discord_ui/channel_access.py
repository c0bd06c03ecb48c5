"""What the bot may do in a channel, checked before it answers there (issue 12).

Discord refuses a message in a channel where the bot lacks View Channel (403 50001) or
Send Messages (Send Messages in Threads in a thread; 403 50013), and without Embed Links
it drops the embeds of a message with text and refuses a message of embeds alone
(discord-api-docs#2601). So a prefix command is checked first: where the bot cannot
send, it logs once and stays quiet; where it cannot embed, it says so in plain text.
Interaction responses are not subject to channel permissions and are not checked.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord.ext import commands

log = logging.getLogger(__name__)

EMBED_LINKS_NEEDED = (
    "I need the **Embed Links** permission in this channel to answer: reactions and "
    "replies are embeds. Ask a server admin to allow it."
)


class CannotAnswerHere(commands.CheckFailure):
    """The bot may not send messages in the channel: nothing is said (it could not be)."""


class NeedsEmbedLinks(commands.CheckFailure):
    """The bot may send text but not embeds in the channel; the message says so."""

    def __init__(self) -> None:
        super().__init__(EMBED_LINKS_NEEDED)


def missing_to_post(
    channel: discord.abc.GuildChannel | discord.Thread, me: discord.Member
) -> list[str]:
    """Return the names of the permissions the bot lacks to post embeds in ``channel``."""
    allowed = channel.permissions_for(me)
    send = (
        ("Send Messages in Threads", allowed.send_messages_in_threads)
        if isinstance(channel, discord.Thread)
        else ("Send Messages", allowed.send_messages)
    )
    needed = [("View Channel", allowed.view_channel), send, ("Embed Links", allowed.embed_links)]
    return [name for name, granted in needed if not granted]


def can_embed(ctx: commands.Context[Any]) -> bool:
    """Tell whether a reply to ``ctx`` may carry embeds (always, outside a server)."""
    return ctx.guild is None or ctx.interaction is not None or ctx.bot_permissions.embed_links


class ChannelAccess:
    """The global check of prefix commands; remembers the channels it already logged."""

    def __init__(self) -> None:
        self._logged: set[int] = set()

    async def check(self, ctx: commands.Context[Any]) -> bool:
        """Let a command run only where its answer can be shown; raise why not."""
        if ctx.interaction is not None or ctx.guild is None:
            return True
        channel = ctx.channel
        if not isinstance(channel, discord.abc.GuildChannel | discord.Thread):
            return True
        missing = missing_to_post(channel, ctx.me)  # type: ignore[arg-type]
        if "View Channel" in missing or any(name.startswith("Send") for name in missing):
            if channel.id not in self._logged:
                self._logged.add(channel.id)
                log.warning(
                    "Ignoring commands in channel %s of guild %s: I lack %s there",
                    channel.id,
                    ctx.guild.id,
                    ", ".join(name for name in missing if name != "Embed Links"),
                )
            raise CannotAnswerHere()
        if missing:
            raise NeedsEmbedLinks()
        return True
