"""Answer an interaction where it belongs: the response, the deferred message, or a follow-up."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord

_FILLED = "reel_original_filled"
_NO_VIEW: Any = discord.utils.MISSING


async def reply(
    interaction: discord.Interaction[Any],
    content: str | None = None,
    *,
    embeds: Sequence[discord.Embed] = (),
    view: discord.ui.View | None = None,
    ephemeral: bool = True,
) -> discord.Message:
    """Send an answer and return its message.

    After a deferral with "thinking", the first answer must replace the thinking message
    (a follow-up would leave it hanging forever); later answers are follow-ups.
    """
    response = interaction.response
    view_arg = view if view is not None else _NO_VIEW
    if not response.is_done():
        await response.send_message(
            content, embeds=list(embeds), view=view_arg, ephemeral=ephemeral
        )
        interaction.extras[_FILLED] = True
        return await interaction.original_response()
    if response.type is discord.InteractionResponseType.deferred_channel_message and not (
        interaction.extras.get(_FILLED)
    ):
        interaction.extras[_FILLED] = True
        return await interaction.edit_original_response(
            content=content, embeds=list(embeds), view=view
        )
    return await interaction.followup.send(
        content if content is not None else discord.utils.MISSING,
        embeds=list(embeds),
        view=view_arg,
        ephemeral=ephemeral,
        wait=True,
    )
