"""Run ``python -m bot`` with one more slash command: the autocomplete benchmark's baseline.

``/bench-constant movie:`` offers, as its autocomplete, the same constant 25 choices every
time, at once. Measured in the same bot process as ``/reactions movie:``, it takes the
same path (gateway, discord.py's dispatch, the interaction callback over HTTP) without
the movie lookup, so the real autocomplete's time is compared with that floor. Only the
benchmarks start the bot this way (``python -m benchmarks.bot_entry``, from the
repository root); the product has no such command.
"""

from __future__ import annotations

import runpy

import discord
from discord import app_commands

from bot.discord_ui.client import ReelBot

NAME = "bench-constant"
CHOICES = [
    app_commands.Choice(name=f"Constant Movie Number {n}", value=f"constantmovienumber{n}")
    for n in range(25)
]


async def _constant_choices(
    interaction: discord.Interaction[ReelBot], current: str
) -> list[app_commands.Choice[str]]:
    return CHOICES


@app_commands.command(name=NAME, description="Benchmark baseline: a constant autocomplete")
@app_commands.autocomplete(movie=_constant_choices)
async def bench_constant(interaction: discord.Interaction[ReelBot], movie: str) -> None:
    """Answer the chosen value (never used by the benchmark, which only autocompletes)."""
    await interaction.response.send_message(movie, ephemeral=True)


_sync_commands = ReelBot.sync_commands


async def _sync_with_baseline(self: ReelBot) -> None:
    if self.tree.get_command(NAME) is None:
        self.tree.add_command(bench_constant)
    await _sync_commands(self)


ReelBot.sync_commands = _sync_with_baseline  # type: ignore[method-assign]

if __name__ == "__main__":
    runpy.run_module("bot", run_name="__main__", alter_sys=True)
