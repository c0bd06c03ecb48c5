"""Answer a slash command or a button press within Discord's 3 seconds, errors included.

Discord drops an interaction not acknowledged within 3 s ("This interaction failed").
Work still running after `ANSWER_WITHIN` is acknowledged first (a "thinking…" message for a
command, a deferred update for a button) and its answer then fills that acknowledgement.
Whatever fails, slow or fast, goes through the one reporter, so the person always hears why.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import discord

from bot.discord_ui.reporter import report_to_interaction

ANSWER_WITHIN = 1.0

Reply = tuple[str | None, Sequence[discord.Embed], discord.ui.View | None]


@dataclass(frozen=True, slots=True)
class Update:
    """What a pressed button puts in place of its message."""

    content: str | None
    embeds: Sequence[discord.Embed] = field(default_factory=tuple)
    view: discord.ui.View | None = None


async def _within(
    work: Awaitable[Any], within: float, acknowledge: Callable[[], Awaitable[Any]]
) -> tuple[bool, Any]:
    """Await ``work``; if it outlasts ``within``, acknowledge the interaction meanwhile.

    Returns whether the work finished in time, and its result.
    """
    task = asyncio.ensure_future(work)
    try:
        done, _ = await asyncio.wait({task}, timeout=within)
        if not done:
            await acknowledge()
    except BaseException:
        task.cancel()
        raise
    return bool(done), await task


async def answer_in_time(
    interaction: discord.Interaction[Any],
    work: Awaitable[Reply],
    *,
    within: float = ANSWER_WITHIN,
) -> None:
    """Answer a slash command with ``work``'s reply; defer first if it is slow.

    A quick reply goes out as the interaction's response, in one request. Work still
    running after ``within`` seconds is acknowledged with a public "thinking…", which
    its reply, or its error (through the reporter, by the caller), then replaces.
    """
    in_time, (content, embeds, view) = await _within(
        work, within, lambda: interaction.response.defer(thinking=True)
    )
    if not in_time:
        await interaction.edit_original_response(content=content, embeds=embeds, view=view)
    elif view is None:
        await interaction.response.send_message(content=content, embeds=embeds)
    else:
        await interaction.response.send_message(content=content, embeds=embeds, view=view)


async def answer_press(
    interaction: discord.Interaction[Any],
    work: Awaitable[Update],
    *,
    within: float = ANSWER_WITHIN,
) -> None:
    """Put ``work``'s update in place of the pressed message; report any failure ephemerally."""
    try:
        in_time, update = await _within(work, within, interaction.response.defer)
        if in_time:
            await interaction.response.edit_message(
                content=update.content, embeds=list(update.embeds), view=update.view
            )
        else:
            await interaction.edit_original_response(
                content=update.content, embeds=list(update.embeds), view=update.view
            )
    except Exception as error:  # every failure of a press reaches the presser
        await report_to_interaction(interaction, error)
