"""One way to answer a command, whether it came as a message or as a slash interaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord
from discord.ext import commands

from bot.discord_ui.client import ReelBot
from bot.discord_ui.replies import reply
from bot.discord_ui.views import confirm_view

_NO_VIEW: Any = discord.utils.MISSING


class Responder:
    """Send replies to whoever invoked a command; slash replies are ephemeral.

    Moderator commands exist as prefix and slash twins; both call one function that
    answers through this, so the two forms cannot drift apart.
    """

    def __init__(
        self,
        *,
        user: discord.abc.User,
        guild: discord.Guild | None,
        ctx: commands.Context[ReelBot] | None = None,
        interaction: discord.Interaction[ReelBot] | None = None,
    ) -> None:
        self.user = user
        self.guild = guild
        self._ctx = ctx
        self._interaction = interaction

    @classmethod
    def from_context(cls, ctx: commands.Context[ReelBot]) -> Responder:
        """Answer a prefix command in its channel, or a hybrid one's slash form ephemerally."""
        if ctx.interaction is not None:
            return cls.from_interaction(ctx.interaction)
        return cls(user=ctx.author, guild=ctx.guild, ctx=ctx)

    @classmethod
    def from_interaction(cls, interaction: discord.Interaction[ReelBot]) -> Responder:
        """Answer a slash command or modal ephemerally."""
        return cls(user=interaction.user, guild=interaction.guild, interaction=interaction)

    @property
    def guild_id(self) -> int:
        """Return the guild the command ran in (moderator commands are guild-only)."""
        if self.guild is None:
            raise commands.NoPrivateMessage()
        return self.guild.id

    async def defer(self) -> None:
        """Acknowledge now (slash: within Discord's 3 seconds) when the work may take long."""
        interaction = self._interaction
        if interaction is not None and not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=True)

    async def send(
        self,
        content: str | None = None,
        *,
        embeds: Sequence[discord.Embed] = (),
        view: discord.ui.View | None = None,
    ) -> discord.Message:
        """Send a reply and return the message, so a view can edit it later."""
        if self._interaction is not None:
            return await reply(self._interaction, content, embeds=embeds, view=view)
        if self._ctx is None:
            raise RuntimeError("a Responder needs a context or an interaction")
        view_arg = view if view is not None else _NO_VIEW
        return await self._ctx.send(content, embeds=list(embeds), view=view_arg)


async def ask(
    bot: ReelBot,
    responder: Responder,
    action: Callable[[], Awaitable[str]],
    *,
    confirm_label: str,
    content: str | None = None,
    embeds: Sequence[discord.Embed] = (),
) -> None:
    """Ask the invoker to confirm; ``action`` runs only if they press ``confirm_label``."""
    nonce = bot.confirmations.add(responder.user.id, action)
    message = await responder.send(
        content, embeds=embeds, view=confirm_view(nonce, confirm_label=confirm_label)
    )
    bot.confirmations.attach(nonce, message)
